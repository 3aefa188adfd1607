#include <gtest/gtest.h>

#include <chrono>

#include "auth/x509_certificate.h"
#include "auth/x509_issuer.h"

namespace portico::auth {
namespace {

std::int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Authority {
  IssuedCertificate ca;
  Authority() {
    auto made = selfSigned({{"O", "Test"}, {"CN", "Test CA"}}, 30, nowSeconds(), CertificateUse::kCertificateAuthority);
    EXPECT_TRUE(made.ok());
    ca = std::move(made).value();
  }
  IssuedCertificate issue(std::vector<std::string> names, std::int64_t from, int days = 30) const {
    auto made = issueServerCertificate(ca.certificatePem, ca.privateKeyPem, names, days, from);
    EXPECT_TRUE(made.ok());
    return std::move(made).value();
  }
};

TEST(X509, AServerCertificateIsDescribedAsAcmDescribesIt) {
  Authority authority;
  auto leaf = authority.issue({"api.example.test", "www.example.test"}, nowSeconds());
  auto info = parseCertificate(leaf.certificatePem, "certificate body");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->subject, "CN=api.example.test");
  EXPECT_EQ(info->issuer, "CN=Test CA,O=Test");
  EXPECT_EQ(info->commonName, "api.example.test");
  EXPECT_EQ(info->dnsNames, (std::vector<std::string>{"api.example.test", "www.example.test"}));
  EXPECT_EQ(info->keyAlgorithm, "RSA_2048");
  EXPECT_EQ(info->signatureAlgorithm, "SHA256WITHRSA");
  EXPECT_FALSE(info->isCa);
  EXPECT_EQ(info->notAfter - info->notBefore, 30 * 24 * 3600);
  EXPECT_EQ(info->serial.size(), 16u * 3 - 1) << info->serial;  // 16 bytes as "aa:bb:..."
  EXPECT_TRUE(issuedBy(leaf.certificatePem, authority.ca.certificatePem));
  EXPECT_FALSE(issuedBy(authority.ca.certificatePem, leaf.certificatePem));
}

TEST(X509, KeysMustMatchTheirCertificate) {
  Authority authority;
  auto a = authority.issue({"a.example.test"}, nowSeconds());
  auto b = authority.issue({"b.example.test"}, nowSeconds());
  EXPECT_TRUE(checkKeyMatches(a.certificatePem, a.privateKeyPem).ok());
  auto mismatch = checkKeyMatches(a.certificatePem, b.privateKeyPem);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().status, 400);
  EXPECT_FALSE(
      checkKeyMatches(a.certificatePem, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n").ok());
}

TEST(X509, HostCoverageFollowsTheNamesAndWildcardsOneLabelDeep) {
  Authority authority;
  auto leaf = authority.issue({"api.example.test", "*.apps.example.test"}, nowSeconds());
  EXPECT_TRUE(coversHost(leaf.certificatePem, "api.example.test"));
  EXPECT_TRUE(coversHost(leaf.certificatePem, "orders.apps.example.test"));
  EXPECT_FALSE(coversHost(leaf.certificatePem, "a.b.apps.example.test"));
  EXPECT_FALSE(coversHost(leaf.certificatePem, "other.example.test"));
}

TEST(X509, BadPemIsRefusedWithTheFieldNamed) {
  for (std::string_view bad : {std::string_view("not a certificate"),
                               std::string_view("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}) {
    auto info = parseCertificate(bad, "certificate body");
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().type, "BadRequestException");
    EXPECT_NE(info.error().message.find("certificate body"), std::string::npos) << info.error().message;
  }
  auto huge = parseCertificate(std::string(kMaxCertificatePemBytes + 1, 'A'), "certificate body");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("longer than"), std::string::npos);
  Authority authority;
  auto a = authority.issue({"a.example.test"}, nowSeconds());
  auto two = parseCertificate(a.certificatePem + a.certificatePem, "certificate body");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("more than one"), std::string::npos);
}

TEST(X509, BundlesAreParsedWithinTheirBounds) {
  Authority authority;
  auto a = authority.issue({"a.example.test"}, nowSeconds());
  auto bundle = parseBundle(a.certificatePem + authority.ca.certificatePem, "truststore");
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  ASSERT_EQ(bundle->size(), 2u);
  EXPECT_TRUE((*bundle)[1].isCa);
  EXPECT_TRUE((*bundle)[1].selfIssued);
  std::string many;
  for (std::size_t i = 0; i <= kMaxBundleCertificates; ++i) many += "-----BEGIN CERTIFICATE-----\n";
  auto refused = parseBundle(many, "truststore");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("more than 1000 certificates"), std::string::npos);
}

TEST(X509, ValidityWindowIsReadAsEpochSeconds) {
  Authority authority;
  const std::int64_t start = nowSeconds() - 10 * 24 * 3600;
  auto old = authority.issue({"old.example.test"}, start, 5);
  auto info = parseCertificate(old.certificatePem, "certificate body");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->notBefore, start);
  EXPECT_FALSE(validAt(*info, nowSeconds()));
  EXPECT_TRUE(validAt(*info, start + 1));
}

TEST(X509, GeneratedClientCertificatesLookLikeApiGateways) {
  auto made =
      selfSigned({{"C", "US"}, {"L", "Seattle"}, {"CN", "ApiGateway"}}, 365, nowSeconds(), CertificateUse::kClient);
  ASSERT_TRUE(made.ok());
  auto info = parseCertificate(made->certificatePem, "client certificate");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->subject, "CN=ApiGateway,L=Seattle,C=US");
  EXPECT_EQ(info->issuer, info->subject);
  EXPECT_EQ(info->keyAlgorithm, "RSA_2048");
  EXPECT_EQ(info->notAfter - info->notBefore, 365 * 24 * 3600);
  EXPECT_TRUE(checkKeyMatches(made->certificatePem, made->privateKeyPem).ok());
}

TEST(X509, OpensslDatesAreThoseOfTheClientCertValidity) {
  EXPECT_EQ(opensslDate(1559046602), "May 28 12:30:02 2019 GMT");
  EXPECT_EQ(opensslDate(1628156164), "Aug  5 09:36:04 2021 GMT");
}

}  // namespace
}  // namespace portico::auth
