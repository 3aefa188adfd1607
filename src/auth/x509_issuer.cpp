#include "auth/x509_issuer.h"

#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "auth/x509_handles.h"

namespace portico::auth {
namespace {

struct ExtensionFree {
  void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};

KeyPtr freshKey() {
  return KeyPtr(EVP_RSA_gen(2048));
}

bool addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionFree> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

/// A certificate with a random serial, `subject`, the validity window and `key`'s public half.
X509Ptr blank(const NameParts& subject, int days, std::int64_t now, EVP_PKEY* key) {
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), 2) != 1) return nullptr;
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return nullptr;
  serial[0] &= 0x7F;  // positive
  BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get()))) return nullptr;
  const time_t start = static_cast<time_t>(now);
  if (!ASN1_TIME_set(X509_getm_notBefore(x.get()), start) ||
      !ASN1_TIME_adj(X509_getm_notAfter(x.get()), start, days, 0)) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(x.get());
  for (const auto& [field, value] : subject) {
    if (X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1) {
      return nullptr;
    }
  }
  if (X509_set_pubkey(x.get(), key) != 1) return nullptr;
  return x;
}

Result<IssuedCertificate> failed(std::string_view what) {
  ERR_clear_error();
  return ApiError::internal("Could not issue the " + std::string(what));
}

}  // namespace

Result<IssuedCertificate> selfSigned(const NameParts& subject, int days, std::int64_t now, CertificateUse use) {
  KeyPtr key = freshKey();
  if (!key) return failed("key");
  X509Ptr x = blank(subject, days, now, key.get());
  if (!x || X509_set_issuer_name(x.get(), X509_get_subject_name(x.get())) != 1) return failed("certificate");
  const bool ca = use == CertificateUse::kCertificateAuthority;
  // A generated client certificate is also the trust anchor its backend installs: it says CA:TRUE,
  // as a self-signed anchor must for verifiers that check it.
  bool ok = addExtension(x.get(), x.get(), NID_basic_constraints, "critical,CA:TRUE") &&
            addExtension(x.get(), x.get(), NID_subject_key_identifier, "hash") &&
            addExtension(x.get(), x.get(), NID_key_usage,
                         ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment,keyCertSign");
  if (ok && !ca) ok = addExtension(x.get(), x.get(), NID_ext_key_usage, "clientAuth");
  if (!ok || X509_sign(x.get(), key.get(), EVP_sha256()) <= 0) return failed("certificate");
  return IssuedCertificate{certificatePem(x.get()), privateKeyPem(key.get())};
}

Result<IssuedCertificate> issueServerCertificate(std::string_view caCertificatePem, std::string_view caKeyPem,
                                                 const std::vector<std::string>& names, int days, std::int64_t now) {
  if (names.empty()) return failed("certificate: no domain name");
  X509Ptr ca = readCertificate(caCertificatePem);
  KeyPtr caKey = readPrivateKey(caKeyPem);
  if (!ca || !caKey) return failed("certificate: the local certificate authority cannot be read");
  KeyPtr key = freshKey();
  if (!key) return failed("key");
  X509Ptr x = blank({{"CN", names.front()}}, days, now, key.get());
  if (!x || X509_set_issuer_name(x.get(), X509_get_subject_name(ca.get())) != 1) return failed("certificate");
  std::string san;
  for (const auto& name : names) san += (san.empty() ? "DNS:" : ",DNS:") + name;
  bool ok = addExtension(x.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") &&
            addExtension(x.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
            addExtension(x.get(), ca.get(), NID_ext_key_usage, "serverAuth") &&
            addExtension(x.get(), ca.get(), NID_subject_key_identifier, "hash") &&
            addExtension(x.get(), ca.get(), NID_authority_key_identifier, "keyid") &&
            addExtension(x.get(), ca.get(), NID_subject_alt_name, san.c_str());
  if (!ok || X509_sign(x.get(), caKey.get(), EVP_sha256()) <= 0) return failed("certificate");
  return IssuedCertificate{certificatePem(x.get()), privateKeyPem(key.get())};
}

}  // namespace portico::auth
