/* healthcheck/check_script.h - detached notify/quorum scripts of the check part. */
#ifndef CHECK_SCRIPT_H
#define CHECK_SCRIPT_H

/* run cmd with /bin/sh -c, detached; 0 / -1 (NULL or empty cmd: nothing, 0) */
int check_script_run(const char *cmd);

#endif
