/* The application context every API handler receives through api_app(). */
#ifndef CINDER_API_APP_H
#define CINDER_API_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "api/auth.h"
#include "jobs/engine.h"

struct api_app {
    engine_t *engine;
    bool allow_private; /* targets on private addresses (and single-label hosts) allowed */
    auth_t *auth;       /* API keys; NULL: no checks (tests of the server alone) */
};

#endif
