/* The store handle, shared by the dispatching files of src/store/ (store*.c). Not for use outside
 * src/store/. */
#ifndef CINDER_STORE_STORE_INT_H
#define CINDER_STORE_STORE_INT_H

#include "store/store_backend.h"

struct store {
    const struct store_ops *ops;
    void *impl;
};

#endif
