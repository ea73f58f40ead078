#include "util/error.h"

static const char *const err_names[] = {
#define CINDER_ERR_NAME(name, msg) #name,
    CINDER_ERRORS(CINDER_ERR_NAME)
#undef CINDER_ERR_NAME
};

static const char *const err_msgs[] = {
#define CINDER_ERR_MSG(name, msg) msg,
    CINDER_ERRORS(CINDER_ERR_MSG)
#undef CINDER_ERR_MSG
};

const char *cinder_err_name(cinder_err e)
{
    if ((unsigned)e >= CINDER_ERR_COUNT)
        return "E_UNKNOWN";
    return err_names[e];
}

const char *cinder_strerror(cinder_err e)
{
    if ((unsigned)e >= CINDER_ERR_COUNT)
        return "unknown error";
    return err_msgs[e];
}
