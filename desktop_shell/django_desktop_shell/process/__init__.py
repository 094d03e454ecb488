"""The process side of the shell: command line, data folder, logs, the server thread, the window,
single instance, signals and the self-test. `launcher.run_and_exit(project_dir)` runs it all."""
