// ApiGatewayFixture: an ApiGatewayContext over a real SQLite store in a temp dir (removed after
// each test), with REST API "api1" stored, for the tests of control/apigateway operations.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "control/apigateway/apigateway_context.h"
#include "store/store.h"
#include "support/fixed_clock.h"

namespace portico::control::apigateway {

class ApiGatewayFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("portico-apigw-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = store::makeSqliteStore(dir_ / "s.db");
    quotas_ = std::make_unique<gateway::QuotaCounters>(*store_);
    ctx_.reset(new ApiGatewayContext{*store_, clock_, *templates_, registry_, usage_, *quotas_});
    saveDoc(*ctx_, kRestApi, "", "api1", boost::json::object{{"id", "api1"}, {"name", "pets"}});
  }
  void TearDown() override {
    ctx_.reset();
    quotas_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static boost::json::object bodyOf(const Result<AdminReply>& reply) { return reply->body->as_object(); }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  FixedClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1795694400))};
  std::unique_ptr<vtl::TemplateEngine> templates_ = vtl::makeVelocityTemplateEngine();
  gateway::StageRegistry registry_;
  gateway::UsageRegistry usage_;
  std::unique_ptr<gateway::QuotaCounters> quotas_;
  std::unique_ptr<ApiGatewayContext> ctx_;
};

}  // namespace portico::control::apigateway
