#include "auth/x509_certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "auth/x509_handles.h"

namespace portico::auth {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

std::size_t countBlocks(std::string_view pem) {
  std::size_t n = 0;
  for (auto at = pem.find(kBegin); at != std::string_view::npos; at = pem.find(kBegin, at + kBegin.size())) ++n;
  return n;
}

std::string nameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return bioText(bio.get());
}

std::string utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return {};
  std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  OPENSSL_free(out);
  return text;
}

std::int64_t epochOf(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string serialText(const X509* x) {
  BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (!bn) return {};
  std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), bytes.data());
  if (bytes.empty()) bytes.push_back(0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    if (!out.empty()) out += ':';
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string keyAlgorithm(const X509* x) {
  EVP_PKEY* key = X509_get0_pubkey(x);
  if (!key) return "UNKNOWN";
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return "RSA_" + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_EC: {
      char group[64] = {0};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
        return "EC";
      }
      return std::string("EC_") + group;
    }
    case EVP_PKEY_ED25519:
      return "ED25519";
    default:
      return "UNKNOWN";
  }
}

std::string signatureAlgorithm(const X509* x) {
  switch (X509_get_signature_nid(x)) {
    case NID_sha256WithRSAEncryption:
      return "SHA256WITHRSA";
    case NID_sha384WithRSAEncryption:
      return "SHA384WITHRSA";
    case NID_sha512WithRSAEncryption:
      return "SHA512WITHRSA";
    case NID_sha1WithRSAEncryption:
      return "SHA1WITHRSA";
    case NID_ecdsa_with_SHA256:
      return "SHA256WITHECDSA";
    case NID_ecdsa_with_SHA384:
      return "SHA384WITHECDSA";
    case NID_ecdsa_with_SHA512:
      return "SHA512WITHECDSA";
    default: {
      std::string name = OBJ_nid2sn(X509_get_signature_nid(x));
      for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return name;
    }
  }
}

CertificateInfo describe(const X509* x) {
  CertificateInfo info;
  info.pem = certificatePem(x);
  info.subject = nameText(X509_get_subject_name(x));
  info.issuer = nameText(X509_get_issuer_name(x));
  const X509_NAME* subject = X509_get_subject_name(x);
  if (int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); at >= 0) {
    info.commonName = utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
  }
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
      if (n->type == GEN_DNS) info.dnsNames.push_back(utf8(n->d.dNSName));
    }
    GENERAL_NAMES_free(names);
  }
  info.serial = serialText(x);
  info.notBefore = epochOf(X509_get0_notBefore(x));
  info.notAfter = epochOf(X509_get0_notAfter(x));
  info.keyAlgorithm = keyAlgorithm(x);
  info.signatureAlgorithm = signatureAlgorithm(x);
  info.isCa = (X509_get_extension_flags(const_cast<X509*>(x)) & EXFLAG_CA) != 0;
  info.selfIssued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
  ERR_clear_error();
  return info;
}

ApiError refused(std::string_view what, std::string_view why) {
  return ApiError::badRequest("Invalid " + std::string(what) + ": " + std::string(why));
}

}  // namespace

std::string opensslDate(std::int64_t epochSeconds) {
  std::time_t t = static_cast<std::time_t>(epochSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[48];
  std::strftime(out, sizeof out, "%b %e %H:%M:%S %Y GMT", &tm);
  return out;
}

Result<CertificateInfo> parseCertificate(std::string_view pem, std::string_view what) {
  if (pem.size() > kMaxCertificatePemBytes) {
    return refused(what, "longer than " + std::to_string(kMaxCertificatePemBytes) + " bytes");
  }
  const std::size_t blocks = countBlocks(pem);
  if (blocks == 0) return refused(what, "no PEM-encoded certificate (-----BEGIN CERTIFICATE-----) found");
  if (blocks > 1) return refused(what, "it holds more than one certificate; put the others in the chain");
  X509Ptr x = readCertificate(pem);
  if (!x) return refused(what, "the PEM text does not decode to an X.509 certificate");
  return describe(x.get());
}

Result<std::vector<CertificateInfo>> parseBundle(std::string_view pem, std::string_view what) {
  if (pem.size() > kMaxBundlePemBytes) {
    return refused(what, "longer than " + std::to_string(kMaxBundlePemBytes) + " bytes");
  }
  if (countBlocks(pem) > kMaxBundleCertificates) {
    return refused(what, "more than " + std::to_string(kMaxBundleCertificates) + " certificates");
  }
  std::vector<CertificateInfo> out;
  for (auto at = pem.find(kBegin); at != std::string_view::npos; at = pem.find(kBegin, at + kBegin.size())) {
    auto end = pem.find(kEnd, at);
    if (end == std::string_view::npos) return refused(what, "a certificate has no -----END CERTIFICATE----- line");
    auto one = parseCertificate(pem.substr(at, end + kEnd.size() - at), what);
    if (!one) {
      return refused(what,
                     "certificate " + std::to_string(out.size() + 1) + " does not decode to an X.509 certificate");
    }
    out.push_back(std::move(one).value());
  }
  if (out.empty()) return refused(what, "no PEM-encoded certificate (-----BEGIN CERTIFICATE-----) found");
  return out;
}

Status checkKeyMatches(std::string_view certificatePem, std::string_view keyPem) {
  if (keyPem.size() > kMaxCertificatePemBytes) return refused("private key", "too long");
  X509Ptr x = readCertificate(certificatePem);
  KeyPtr key = readPrivateKey(keyPem);
  if (!key) return refused("private key", "the PEM text does not decode to an unencrypted private key");
  const bool match = x && X509_check_private_key(x.get(), key.get()) == 1;
  ERR_clear_error();
  if (!match) return ApiError::badRequest("The private key does not match the certificate's public key");
  return Ok{};
}

bool coversHost(std::string_view certificatePem, std::string_view host) {
  X509Ptr x = readCertificate(certificatePem);
  const bool ok = x && X509_check_host(x.get(), host.data(), host.size(), 0, nullptr) == 1;
  ERR_clear_error();
  return ok;
}

bool issuedBy(std::string_view leafPem, std::string_view issuerPem) {
  X509Ptr leaf = readCertificate(leafPem), issuer = readCertificate(issuerPem);
  const bool ok = leaf && issuer && X509_check_issued(issuer.get(), leaf.get()) == X509_V_OK &&
                  X509_verify(leaf.get(), X509_get0_pubkey(issuer.get())) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace portico::auth
