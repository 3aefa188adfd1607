#include "http/tls_catalog.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <cctype>
#include <unordered_map>
#include <variant>

namespace portico::http {
namespace {

// AWS's cipher lists for REGIONAL endpoints (apigateway-custom-domain-tls-version).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
    "AES128-GCM-SHA256:AES128-SHA256:AES256-GCM-SHA384:AES256-SHA256";
constexpr const char* kTls10Extra =
    ":ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:"
    "AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
int noPassphrase(char*, int, int, void*) {
  return 0;
}

BioPtr memory(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

/// ALPN: http/1.1 when the client offers it; no ALPN otherwise (an h2-only client is refused by
/// its own policy, not by a wrong protocol).
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

/// One domain's compiled context and the settings applied to each connection it takes.
struct Domain {
  SSL_CTX* ctx = nullptr;
  int minVersion = TLS1_2_VERSION, maxVersion = TLS1_2_VERSION;
  std::string ciphers;
  bool mutual = false;
  ~Domain() { SSL_CTX_free(ctx); }
};

/// The context for spec, or the reason OpenSSL refused it.
std::variant<std::shared_ptr<Domain>, std::string> compile(const TlsDomainSpec& spec) {
  auto d = std::make_shared<Domain>();
  d->ctx = SSL_CTX_new(TLS_server_method());
  if (!d->ctx) return std::string("no memory for a TLS context");
  auto cert = memory(spec.certificatePem), key = memory(spec.privateKeyPem);
  X509* leaf = PEM_read_bio_X509(cert.get(), nullptr, noPassphrase, nullptr);
  const bool certOk = leaf && SSL_CTX_use_certificate(d->ctx, leaf) == 1;
  X509_free(leaf);
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(key.get(), nullptr, noPassphrase, nullptr);
  const bool keyOk = pkey && SSL_CTX_use_PrivateKey(d->ctx, pkey) == 1 && SSL_CTX_check_private_key(d->ctx) == 1;
  EVP_PKEY_free(pkey);
  if (!certOk || !keyOk) {
    ERR_clear_error();
    return std::string("the certificate or its key does not load");
  }
  if (!spec.chainPem.empty()) {
    auto chain = memory(spec.chainPem);
    while (X509* link = PEM_read_bio_X509(chain.get(), nullptr, noPassphrase, nullptr)) {
      SSL_CTX_add0_chain_cert(d->ctx, link);  // owns it now
    }
  }
  if (!spec.truststorePem.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(d->ctx);
    auto bundle = memory(spec.truststorePem);
    int added = 0;
    while (X509* ca = PEM_read_bio_X509(bundle.get(), nullptr, noPassphrase, nullptr)) {
      added += X509_STORE_add_cert(store, ca) == 1;
      X509_free(ca);
    }
    if (added == 0) {
      ERR_clear_error();
      return std::string("the truststore holds no usable certificate");
    }
    d->mutual = true;
  }
  ERR_clear_error();  // the end of each PEM list leaves a "no start line" behind
  SSL_CTX_set_options(d->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_alpn_select_cb(d->ctx, selectAlpn, nullptr);
  const bool tls10 = spec.securityPolicy == "TLS_1_0";
  d->minVersion = tls10 ? TLS1_VERSION : TLS1_2_VERSION;
  d->maxVersion = spec.edge ? TLS1_3_VERSION : TLS1_2_VERSION;
  d->ciphers = std::string(kTls12Ciphers) + (tls10 ? kTls10Extra : "");
  return d;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The host_name in a ClientHello's server_name extension, or "".
std::string serverName(SSL* ssl) {
  const unsigned char* p = nullptr;
  std::size_t len = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) != 1 || len < 5) return {};
  const std::size_t listLen = (std::size_t{p[0]} << 8) | p[1];
  if (listLen + 2 != len || p[2] != TLSEXT_NAMETYPE_host_name) return {};
  const std::size_t nameLen = (std::size_t{p[3]} << 8) | p[4];
  if (nameLen + 5 > len || nameLen == 0 || nameLen > 253) return {};
  return lower(std::string_view(reinterpret_cast<const char*>(p + 5), nameLen));
}

}  // namespace

struct TlsCatalog::Impl {
  using Map = std::unordered_map<std::string, std::shared_ptr<const Domain>>;
  std::atomic<std::shared_ptr<const Map>> map{std::make_shared<const Map>()};

  std::shared_ptr<const Domain> find(const std::string& name) const {
    auto m = map.load(std::memory_order_acquire);
    if (auto it = m->find(name); it != m->end()) return it->second;
    auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0) return nullptr;
    if (auto it = m->find("*" + name.substr(dot)); it != m->end()) return it->second;
    return nullptr;
  }

  /// Before the version is negotiated: the connection takes its domain's context and settings.
  /// No SNI, or a name no domain has: the handshake ends with unrecognized_name.
  static int onClientHello(SSL* ssl, int* alert, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    auto domain = self->find(serverName(ssl));
    if (!domain) {
      *alert = SSL_AD_UNRECOGNIZED_NAME;
      return SSL_CLIENT_HELLO_ERROR;
    }
    // The SSL holds its own reference to the context: a swap of the map leaves it alone.
    if (!SSL_set_SSL_CTX(ssl, domain->ctx) || !SSL_set_min_proto_version(ssl, domain->minVersion) ||
        !SSL_set_max_proto_version(ssl, domain->maxVersion) || !SSL_set_cipher_list(ssl, domain->ciphers.c_str())) {
      ERR_clear_error();
      *alert = SSL_AD_INTERNAL_ERROR;
      return SSL_CLIENT_HELLO_ERROR;
    }
    if (domain->mutual) {
      SSL_set1_verify_cert_store(ssl, SSL_CTX_get_cert_store(domain->ctx));
      SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      SSL_set_verify_depth(ssl, 4);  // AWS: chains of at most 4
    } else {
      SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    return SSL_CLIENT_HELLO_SUCCESS;
  }
};

TlsCatalog::TlsCatalog() : impl_(std::make_shared<Impl>()), server_(boost::asio::ssl::context::tls_server) {
  SSL_CTX* ctx = server_.native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);  // each domain narrows it in onClientHello
  SSL_CTX_set_client_hello_cb(ctx, &Impl::onClientHello, impl_.get());
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);  // a connection keeps these
}

TlsCatalog::~TlsCatalog() = default;

std::vector<std::string> TlsCatalog::replace(const std::vector<TlsDomainSpec>& domains) {
  auto next = std::make_shared<Impl::Map>();
  std::vector<std::string> refused;
  for (const auto& spec : domains) {
    auto compiled = compile(spec);
    if (auto* why = std::get_if<std::string>(&compiled)) {
      refused.push_back(spec.name + ": " + *why);
      continue;
    }
    (*next)[lower(spec.name)] = std::get<std::shared_ptr<Domain>>(std::move(compiled));
  }
  impl_->map.store(std::move(next), std::memory_order_release);
  return refused;
}

}  // namespace portico::http
