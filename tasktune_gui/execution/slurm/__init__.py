"""The Slurm backend: a submit process that turns queued tasks into jobs, and the runner inside each job."""
