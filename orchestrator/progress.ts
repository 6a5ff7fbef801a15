import cliProgress from 'cli-progress';

/**
 * Progress on stderr (stdout stays clean for `--json`): a live bar on a TTY, a few plain lines
 * elsewhere (CI logs), nothing with `--quiet`.
 */
export interface Progress {
  /** Starts a measured step; `total` is an estimate (the bar tolerates overshoot). */
  begin(step: string, total: number, unit: string): void;
  /** `current` names what runs now (a node), shown live on a TTY. */
  update(done: number, current?: string): void;
  end(message: string): void;
  /** A one-line status message (step started/finished, retries, skips). */
  note(message: string): void;
  /** Shows or redraws the per-node status line on a TTY; one plain line per change elsewhere. */
  node(name: string, status: string): void;
}

export type ProgressMode = 'tty' | 'plain' | 'quiet';

export function progressMode(options: { quiet?: boolean }, stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  if (options.quiet) return 'quiet';
  return stream.isTTY ? 'tty' : 'plain';
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (mode === 'quiet') return { begin() {}, update() {}, end() {}, note() {}, node() {} };
  if (mode === 'plain') return new PlainProgress(stream);
  return new BarProgress(stream);
}

const fmt = new Intl.NumberFormat('en-US');
const QUARTER_LINES_FROM = 100_000;

class PlainProgress implements Progress {
  private step = '';
  private total = 0;
  private unit = '';
  private nextQuarter = 1;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  begin(step: string, total: number, unit: string): void {
    this.step = step;
    this.total = total;
    this.unit = unit;
    this.nextQuarter = 1;
    // quarter lines only where a step is long enough to look stuck without them
    if (total >= QUARTER_LINES_FROM) this.stream.write(`${step}: started (about ${fmt.format(total)} ${unit})\n`);
  }
  update(done: number): void {
    if (this.total < QUARTER_LINES_FROM) return;
    while (this.nextQuarter < 4 && done >= (this.total * this.nextQuarter) / 4) {
      this.stream.write(`${this.step}: ${this.nextQuarter * 25}% (${fmt.format(done)} ${this.unit})\n`);
      this.nextQuarter++;
    }
  }
  end(message: string): void {
    this.stream.write(`${this.step}: ${message}\n`);
  }
  note(message: string): void {
    this.stream.write(`${message}\n`);
  }
  node(name: string, status: string): void {
    this.stream.write(`  ${name}: ${status}\n`);
  }
}

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | undefined;
  private step = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  begin(step: string, total: number, unit: string): void {
    this.step = step;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${step} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left {current}`,
        formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? fmt.format(v) : String(v)),
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(Math.max(1, total), 0, { current: '' });
  }
  update(done: number, current?: string): void {
    if (!this.bar) return;
    if (done > this.bar.getTotal()) this.bar.setTotal(done);
    this.bar.update(done, current === undefined ? undefined : { current: `| ${current}` });
  }
  end(message: string): void {
    this.bar?.stop();
    this.bar = undefined;
    this.stream.write(`${this.step}: ${message}\n`);
  }
  note(message: string): void {
    this.stream.write(`${message}\n`);
  }
  node(name: string, status: string): void {
    // one live line per node: overwrite while it runs, keep the final status
    const running = status === 'running';
    this.stream.write(`\r\x1b[2K  ${name}: ${status}${running ? '' : '\n'}`);
  }
}
