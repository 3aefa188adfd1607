// Owning handles for the OpenSSL objects the x509_* files pass around, and PEM in and out.
// Internal to auth/ (it includes OpenSSL's headers): other folders see x509_certificate.h and
// x509_issuer.h only.
#pragma once
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace portico::auth {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

/// What a memory BIO holds, as text.
inline std::string bioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

/// Never asks for a passphrase (OpenSSL's default would read the terminal): an encrypted key fails.
inline int noPassphrase(char*, int, int, void*) {
  return 0;
}

/// The first certificate in pem, or null (the error queue cleared).
inline X509Ptr readCertificate(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr x(bio ? PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
  ERR_clear_error();
  return x;
}

/// The first private key in pem, or null (the error queue cleared).
inline KeyPtr readPrivateKey(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
  ERR_clear_error();
  return key;
}

inline std::string certificatePem(const X509* x) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), const_cast<X509*>(x));
  return bioText(bio.get());
}

inline std::string privateKeyPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), const_cast<EVP_PKEY*>(key), nullptr, nullptr, 0, nullptr, nullptr);
  return bioText(bio.get());
}

}  // namespace portico::auth
