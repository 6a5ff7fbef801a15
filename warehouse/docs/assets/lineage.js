// Pan, zoom and focus for the lineage graph. The graph itself is static SVG laid out at build
// time; this script only adds behaviour, so the page still shows everything without it.
(function () {
  'use strict';
  var variants = Array.prototype.slice.call(document.querySelectorAll('#graph .variant'));
  var panZoom = {};

  function svgOf(variant) { return variant.querySelector('svg.lineage'); }

  function enablePanZoom(variant) {
    var name = variant.getAttribute('data-variant');
    if (panZoom[name] || variant.hidden) return;
    panZoom[name] = svgPanZoom(svgOf(variant), {
      viewportSelector: '.viewport', zoomEnabled: true, controlIconsEnabled: false,
      fit: true, center: true, minZoom: 0.1, maxZoom: 20, dblClickZoomEnabled: false,
    });
  }

  function activeVariant() { return variants.filter(function (v) { return !v.hidden; })[0]; }

  // Brings a node to the middle of the view at a readable zoom (1 SVG unit per pixel); with
  // tests shown the graph is several times taller than the view, so fitting alone is not enough.
  function centreOn(node) {
    var pz = panZoom[activeVariant().getAttribute('data-variant')];
    var rect = node && node.querySelector('rect');
    if (!pz || !rect) return;
    var x = Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')) / 2;
    var y = Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) / 2;
    var sizes = pz.getSizes();
    if (sizes.realZoom < 1) pz.zoom(pz.getZoom() / sizes.realZoom);
    sizes = pz.getSizes();
    pz.pan({ x: sizes.width / 2 - x * sizes.realZoom, y: sizes.height / 2 - y * sizes.realZoom });
  }

  function focusOn(name) {
    variants.forEach(function (variant) {
      var svg = svgOf(variant);
      var nodes = svg.querySelectorAll('.node');
      var edges = svg.querySelectorAll('.edge');
      Array.prototype.forEach.call(nodes, function (n) { n.classList.remove('near', 'focus'); });
      Array.prototype.forEach.call(edges, function (e) { e.classList.remove('near'); });
      var target = null;
      Array.prototype.forEach.call(nodes, function (n) { if (n.getAttribute('data-name') === name) target = n; });
      if (!target) { svg.classList.remove('focused'); return; }
      var id = target.getAttribute('data-id');
      var near = (target.getAttribute('data-neighbours') || '').split(' ').filter(Boolean);
      near.push(id);
      svg.classList.add('focused');
      target.classList.add('focus');
      if (!variant.hidden) centreOn(target);
      Array.prototype.forEach.call(nodes, function (n) { if (near.indexOf(n.getAttribute('data-id')) >= 0) n.classList.add('near'); });
      Array.prototype.forEach.call(edges, function (e) {
        if (e.getAttribute('data-from') === id || e.getAttribute('data-to') === id) e.classList.add('near');
      });
    });
  }

  var focusInput = document.getElementById('focus');
  focusInput.addEventListener('input', function () { focusOn(focusInput.value.trim()); });
  document.getElementById('clear-focus').addEventListener('click', function () { focusInput.value = ''; focusOn(''); });
  document.getElementById('show-tests').addEventListener('change', function (event) {
    var showTests = event.target.checked;
    variants.forEach(function (v) { v.hidden = (v.getAttribute('data-variant') === 'tests') !== showTests; });
    enablePanZoom(activeVariant());
    focusOn(focusInput.value.trim());
  });
  document.getElementById('zoom-fit').addEventListener('click', function () {
    var pz = panZoom[activeVariant().getAttribute('data-variant')];
    if (pz) { pz.resize(); pz.fit(); pz.center(); }
  });
  var fromHash = decodeURIComponent((location.hash || '').replace(/^#/, ''));
  enablePanZoom(activeVariant());
  if (fromHash) { focusInput.value = fromHash; focusOn(fromHash); }
})();
