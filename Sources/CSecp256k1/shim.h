#ifndef KALYPSO_CSECP256K1_SHIM_H
#define KALYPSO_CSECP256K1_SHIM_H
/* Debian's libsecp256k1 0.2.0 ships recovery and ECDH as separate headers. */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <secp256k1_ecdh.h>

/* secp256k1_context_static is an extern global, which Swift 6 imports as shared mutable state; the context it
   points to is immutable, so hand it out through a function (ECDH point multiplication in KalypsoKit). */
static inline const secp256k1_context *ks_secp256k1_static_context(void) { return secp256k1_context_static; }
#endif
