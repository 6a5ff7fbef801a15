/**
 * The file name Composer picks up from the environment's dags/ folder. A module of its own so
 * `sim airflow --help` can name it without loading the project reader behind writeAirflowDag.
 */
export const DAG_FILE_NAME = 'ecom_pipeline_dag.py';
