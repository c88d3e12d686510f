#ifndef TEDGE_COPENSSL_SHIM_H
#define TEDGE_COPENSSL_SHIM_H
// OpenSSL's headers, plus small functions for the macros and variadic calls Swift cannot import.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static inline EVP_PKEY *tedge_generate_p256_key(void) { return EVP_EC_gen("P-256"); }

static inline long tedge_bio_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

static inline void tedge_openssl_free(void *pointer) { OPENSSL_free(pointer); }

static inline void tedge_x509v3_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); }

static inline int tedge_ssl_ctx_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

static inline int tedge_ssl_ctx_set_min_proto(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int tedge_ssl_ctx_set_max_proto(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static inline int tedge_ssl_set_sni(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
#endif
