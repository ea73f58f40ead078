/* The application context every API handler receives through api_app(). */
#ifndef CINDER_API_APP_H
#define CINDER_API_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "api/auth.h"
#include "jobs/jobs.h"

struct api_app {
    jobs_t *jobs;       /* the job model: every write, and the store for reads */
    bool allow_private; /* targets on private addresses (and single-label hosts) allowed */
    auth_t *auth;       /* API keys; NULL: no checks (tests of the server alone) */
};

#endif
