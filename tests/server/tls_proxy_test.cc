// The TLS recipe, run: Debian's nginx on 127.0.0.1 with docs/deploy/nginx-kb.conf (only its ports and
// certificate paths replaced) and a self-signed certificate made by `openssl req`, in front of a real
// kb-server; a real HTTPS client that verifies the certificate searches through it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "server_test_util.h"

namespace kb::testing {
namespace {

constexpr char kToken[] = "tls-proxy-test-token-0123456789";

// Replaces every match of `pattern` in `text`, and fails the test if there was none: the test must follow
// the recipe as it is written.
void MustReplace(std::string* text, const std::string& pattern, const std::string& with) {
  const std::regex re(pattern);
  ASSERT_TRUE(std::regex_search(*text, re)) << "docs/deploy/nginx-kb.conf no longer has: " << pattern;
  *text = std::regex_replace(*text, re, with);
}

class TlsProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(BuildDbFromDir(dir_.Sub("db"), FixtureDir()));
    ASSERT_TRUE(server_.Start({"--db", dir_.Sub("db"), "--token", kToken}));

    Child openssl;
    ASSERT_TRUE(openssl.Start(
        {KB_OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
         "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", dir_.Sub("kb.key"), "-out", dir_.Sub("kb.pem")},
        dir_.Sub("openssl.log")));
    ASSERT_EQ(openssl.Wait(std::chrono::seconds(60)), 0) << openssl.Log();

    std::string site = ReadFile(std::string(KB_SOURCE_DIR) + "/docs/deploy/nginx-kb.conf");
    https_port_ = FreePort();
    http_port_ = FreePort();
    ASSERT_NO_FATAL_FAILURE(
        MustReplace(&site, R"(server 127\.0\.0\.1:8080;)", "server 127.0.0.1:" + std::to_string(server_.port()) + ";"));
    ASSERT_NO_FATAL_FAILURE(
        MustReplace(&site, R"(listen 443 ssl)", "listen 127.0.0.1:" + std::to_string(https_port_) + " ssl"));
    ASSERT_NO_FATAL_FAILURE(
        MustReplace(&site, R"(listen 80;)", "listen 127.0.0.1:" + std::to_string(http_port_) + ";"));
    ASSERT_NO_FATAL_FAILURE(MustReplace(&site, R"(\n\s*listen \[::\]:\d+[^;]*;)", ""));  // no IPv6 in every sandbox
    ASSERT_NO_FATAL_FAILURE(
        MustReplace(&site, R"(ssl_certificate\s+\S+;)", "ssl_certificate " + dir_.Sub("kb.pem") + ";"));
    ASSERT_NO_FATAL_FAILURE(
        MustReplace(&site, R"(ssl_certificate_key\s+\S+;)", "ssl_certificate_key " + dir_.Sub("kb.key") + ";"));
    WriteFile(dir_.Sub("site.conf"), site);
    // The surroundings Debian's /etc/nginx/nginx.conf gives a site, in the temporary directory; one process
    // (master_process off) so that stopping the child stops nginx.
    const std::string d = dir_.path();
    WriteFile(dir_.Sub("nginx.conf"), "daemon off;\nmaster_process off;\npid " + d + "/nginx.pid;\nerror_log " + d +
                                          "/error.log;\n"
                                          "events { worker_connections 64; }\n"
                                          "http {\n  access_log " +
                                          d + "/access.log;\n  client_body_temp_path " + d +
                                          "/body;\n"
                                          "  proxy_temp_path " +
                                          d + "/proxy;\n  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " +
                                          d + "/uwsgi;\n  scgi_temp_path " + d + "/scgi;\n  include " + d +
                                          "/site.conf;\n}\n");
    ASSERT_TRUE(
        nginx_.Start({KB_NGINX, "-p", d, "-e", d + "/error.log", "-c", d + "/nginx.conf"}, dir_.Sub("nginx.log")));
    ASSERT_TRUE(WaitFor([&] { return Accepts(https_port_) || !nginx_.running(); }, std::chrono::seconds(20),
                        "nginx to listen"));
    ASSERT_TRUE(Accepts(https_port_)) << nginx_.Log() << ReadFile(dir_.Sub("error.log"));
  }

  void TearDown() override { nginx_.Stop(SIGTERM); }

  std::unique_ptr<httplib::SSLClient> Https(bool trust) {
    auto c = std::make_unique<httplib::SSLClient>("localhost", https_port_);
    c->set_connection_timeout(5);
    c->set_read_timeout(20);
    c->enable_server_certificate_verification(true);
    if (trust) c->set_ca_cert_path(dir_.Sub("kb.pem").c_str());
    return c;
  }

  TempDir dir_;
  ServerProcess server_{dir_.Sub("server.log")};
  Child nginx_;
  int https_port_ = 0;
  int http_port_ = 0;
};

TEST_F(TlsProxyTest, SearchesThroughNginxWithAVerifiedCertificate) {
  auto https = Https(/*trust=*/true);
  auto res = https->Get("/api/search?q=refund", {{"Authorization", std::string("Bearer ") + kToken}});
  ASSERT_TRUE(res) << httplib::to_string(res.error()) << "\n" << ReadFile(dir_.Sub("error.log"));
  EXPECT_EQ(res->status, 200) << res->body;
  json j = json::parse(res->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res->body;
  ASSERT_FALSE(j["results"].empty()) << res->body;
  EXPECT_GT(j["total"].get<int>(), 0);
  // The page comes through too, with the proxy's HSTS header.
  auto page = https->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  EXPECT_EQ(page->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  // The token is still kb-server's to check.
  auto anonymous = https->Get("/api/search?q=refund");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(TlsProxyTest, ClientsThatDoNotTrustTheCertificateAreRefusedAndPlainHttpRedirects) {
  auto untrusting = Https(/*trust=*/false);
  auto res = untrusting->Get("/api/search?q=refund", {{"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::SSLServerVerification);

  httplib::Client plain("127.0.0.1", http_port_);
  auto redirect = plain.Get("/api/search?q=refund");
  ASSERT_TRUE(redirect) << httplib::to_string(redirect.error());
  EXPECT_EQ(redirect->status, 301);
  EXPECT_EQ(redirect->get_header_value("Location").rfind("https://", 0), 0u) << redirect->get_header_value("Location");
}

}  // namespace
}  // namespace kb::testing
