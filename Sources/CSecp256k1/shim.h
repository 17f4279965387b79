#ifndef KALYPSO_CSECP256K1_SHIM_H
#define KALYPSO_CSECP256K1_SHIM_H
/* Debian's libsecp256k1 0.2.0 ships recovery and ECDH as separate headers. */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <secp256k1_ecdh.h>
#endif
