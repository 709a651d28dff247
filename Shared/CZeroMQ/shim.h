#ifndef ANTQ_CZEROMQ_SHIM_H
#define ANTQ_CZEROMQ_SHIM_H

#include <zmq.h>
#include <errno.h>

/// errno as libzmq left it; Swift cannot read the C `errno` macro portably.
static inline int antq_zmq_errno(void) { return zmq_errno(); }

#endif
