/**
 * A minimal stand-in for the parts of Airflow the generated DAG imports, written into a temp dir
 * by the tests (Airflow itself is not installable offline). It records what the DAG file builds:
 * the DAG's arguments, every task with its arguments, and the task-level dependencies that `>>`
 * between tasks and TaskGroups creates, expanded the way Airflow expands them (a group's leaves
 * feed the next group's roots).
 *
 * It is strict where Airflow is strict: unknown constructor arguments raise TypeError, task ids
 * must be unique in a DAG, and an operator outside a DAG context raises.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CORE = String.raw`
import datetime as _dt

_current_dag = None
_group_stack = []
LOADED_DAGS = []

_DAG_ARGS = {"dag_id", "description", "schedule", "start_date", "end_date", "catchup", "max_active_runs",
             "max_active_tasks", "default_args", "tags", "doc_md", "dagrun_timeout", "params",
             "render_template_as_native_obj", "owner_links", "on_failure_callback", "on_success_callback"}
_TASK_ARGS = {"task_id", "owner", "retries", "retry_delay", "depends_on_past", "email_on_failure",
              "execution_timeout", "pool", "queue", "trigger_rule", "doc_md", "do_xcom_push"}
_BASH_ARGS = _TASK_ARGS | {"bash_command", "env", "append_env", "cwd", "output_encoding", "skip_on_exit_code"}


class DAG:
    def __init__(self, **kwargs):
        unknown = set(kwargs) - _DAG_ARGS
        if unknown:
            raise TypeError("DAG() got unexpected arguments: %s" % sorted(unknown))
        if "dag_id" not in kwargs:
            raise TypeError("DAG() needs dag_id")
        self.kwargs = kwargs
        self.dag_id = kwargs["dag_id"]
        self.default_args = kwargs.get("default_args") or {}
        self.tasks = {}

    def __enter__(self):
        global _current_dag
        _current_dag = self
        return self

    def __exit__(self, *exc):
        global _current_dag
        _current_dag = None
        LOADED_DAGS.append(self)
        return False


def _as_tasks(item, leaves):
    if isinstance(item, TaskGroup):
        return item.leaves() if leaves else item.roots()
    if isinstance(item, list):
        out = []
        for x in item:
            out.extend(_as_tasks(x, leaves))
        return out
    return [item]


class _DependencyMixin:
    def __rshift__(self, other):
        for up in _as_tasks(self, True):
            for down in _as_tasks(other, False):
                down.upstream.add(up.task_id)
                up.downstream.add(down.task_id)
        return other


class TaskGroup(_DependencyMixin):
    def __init__(self, group_id, tooltip="", **kwargs):
        unknown = set(kwargs) - {"prefix_group_id", "default_args", "ui_color"}
        if unknown:
            raise TypeError("TaskGroup() got unexpected arguments: %s" % sorted(unknown))
        parent = _group_stack[-1] if _group_stack else None
        self.group_id = (parent.group_id + "." + group_id) if parent else group_id
        self.tooltip = tooltip
        self.children = []

    def __enter__(self):
        _group_stack.append(self)
        return self

    def __exit__(self, *exc):
        _group_stack.pop()
        return False

    def roots(self):
        ids = {t.task_id for t in self.children}
        return [t for t in self.children if not (t.upstream & ids)]

    def leaves(self):
        ids = {t.task_id for t in self.children}
        return [t for t in self.children if not (t.downstream & ids)]


class BaseOperator(_DependencyMixin):
    _allowed = _TASK_ARGS

    def __init__(self, **kwargs):
        if _current_dag is None:
            raise RuntimeError("operator created outside a DAG context")
        unknown = set(kwargs) - self._allowed
        if unknown:
            raise TypeError("%s() got unexpected arguments: %s" % (type(self).__name__, sorted(unknown)))
        unknown_defaults = set(_current_dag.default_args) - _TASK_ARGS
        if unknown_defaults:
            raise TypeError("default_args holds non-operator arguments: %s" % sorted(unknown_defaults))
        args = dict(_current_dag.default_args)
        args.update(kwargs)
        group = _group_stack[-1] if _group_stack else None
        self.task_id = (group.group_id + "." + kwargs["task_id"]) if group else kwargs["task_id"]
        if self.task_id in _current_dag.tasks:
            raise ValueError("duplicate task_id %s" % self.task_id)
        self.args = args
        self.upstream = set()
        self.downstream = set()
        _current_dag.tasks[self.task_id] = self
        if group:
            group.children.append(self)


class BashOperator(BaseOperator):
    _allowed = _BASH_ARGS
`;

const PENDULUM = String.raw`
import datetime as _dt


def datetime(year, month, day, tz="UTC"):
    if tz != "UTC":
        raise ValueError("fake pendulum only knows UTC")
    return _dt.datetime(year, month, day, tzinfo=_dt.timezone.utc)
`;

/** Dumps what a DAG file built, as JSON on stdout. Usage: python3 dump.py path/to/dag.py */
const DUMP = String.raw`
import importlib.util, json, sys, datetime
import airflow._core as core

spec = importlib.util.spec_from_file_location("generated_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

def plain(v):
    if isinstance(v, datetime.timedelta):
        return {"seconds": v.total_seconds()}
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [plain(x) for x in v]
    return v

out = []
for dag in core.LOADED_DAGS:
    out.append({
        "dag_id": dag.dag_id,
        "kwargs": {k: plain(v) for k, v in dag.kwargs.items() if k != "doc_md"},
        "doc_md": dag.kwargs.get("doc_md"),
        "tasks": {tid: {"operator": type(t).__name__, "args": plain(t.args), "upstream": sorted(t.upstream)}
                  for tid, t in dag.tasks.items()},
    })
print(json.dumps(out))
`;

/**
 * Writes the fake into `dir`, laid out as Airflow 2 (`airflow.operators.bash`,
 * `airflow.utils.task_group`) or Airflow 3 (`airflow.providers.standard.operators.bash`,
 * `airflow.sdk`), plus `pendulum` and `dump.py`. Returns the path of dump.py.
 */
export function writeFakeAirflow(dir: string, layout: 'airflow2' | 'airflow3'): string {
  const file = (rel: string, text: string) => {
    const path = join(dir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  file('pendulum.py', PENDULUM);
  // Airflow 3 has no top-level DAG any more in this fake, so the DAG must import it from airflow.sdk there.
  file('airflow/__init__.py', layout === 'airflow2' ? 'from airflow._core import DAG\n' : '');
  file('airflow/_core.py', CORE);
  if (layout === 'airflow2') {
    file('airflow/operators/__init__.py', '');
    file('airflow/operators/bash.py', 'from airflow._core import BashOperator\n');
    file('airflow/utils/__init__.py', '');
    file('airflow/utils/task_group.py', 'from airflow._core import TaskGroup\n');
  } else {
    file('airflow/providers/__init__.py', '');
    file('airflow/providers/standard/__init__.py', '');
    file('airflow/providers/standard/operators/__init__.py', '');
    file('airflow/providers/standard/operators/bash.py', 'from airflow._core import BashOperator\n');
    file('airflow/sdk/__init__.py', 'from airflow._core import TaskGroup, DAG\n');
  }
  const dump = join(dir, 'dump.py');
  writeFileSync(dump, DUMP);
  return dump;
}

export interface LoadedTask {
  operator: string;
  args: Record<string, unknown> & { bash_command?: string; env?: Record<string, string>; retries?: number; retry_delay?: { seconds: number }; cwd?: string };
  upstream: string[];
}

export interface LoadedDag {
  dag_id: string;
  kwargs: Record<string, unknown>;
  doc_md: string | null;
  tasks: Record<string, LoadedTask>;
}
