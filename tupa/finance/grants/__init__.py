"""The grants register (FIN-06): applications, decisions and reporting deadlines."""
