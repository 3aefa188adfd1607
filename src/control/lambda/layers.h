// Lambda layers: their store layout, and what a function's Layers resolve to.
//
//   ("layer", "", name)                      {"nextVersion": N}  (numbers are never reused)
//   ("layer_version", "layer:"+name, "N")    {"config": the version as GetLayerVersion answers it,
//                                             without Content.Location; "codeHex"; "unpackedBytes";
//                                             "policy"?: {"Statement": [...], "RevisionId"}}
//
// A function keeps its layers' code store keys (FunctionCatalog's "layerHexes"), so deleting a
// layer version never breaks a function that uses it, as on Lambda.
// https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {

inline constexpr std::string_view kLayerKind = "layer";
inline constexpr std::string_view kLayerVersionKind = "layer_version";
inline std::string layerScope(std::string_view name) {
  return "layer:" + std::string(name);
}
/// Lambda's bound on a function's layers.
inline constexpr std::size_t kMaxFunctionLayers = 5;
/// Lambda's bound on a function's code and layers together, unzipped.
inline constexpr std::uint64_t kMaxUnzippedBytes = 262144000;

/// A function's Layers as stored: the configuration's [{"Arn", "CodeSize"}], the code store keys
/// in the same order and the bytes they unpack to.
struct FunctionLayers {
  boost::json::array layers;
  boost::json::array hexes;
  std::uint64_t unpackedBytes = 0;
};

/// CreateFunction's / UpdateFunctionConfiguration's Layers (a list of layer version ARNs) checked
/// as Lambda checks them: at most 5, each an existing version of this region's and account's
/// layers, no layer twice.
Result<FunctionLayers> resolveFunctionLayers(LambdaContext& ctx, const boost::json::value& arns);

/// InvalidParameterValueException when the function's code and its layers together unpack to
/// more than 262,144,000 bytes.
Status checkUnzippedSize(LambdaContext& ctx, const std::string& codeHex, std::uint64_t layerBytes);

/// Extracts the layers' /opt now (CodeStore::layered), so that layers that clash are refused when
/// the function is configured, not at its first invoke. Call off the serving loops.
Status extractLayers(LambdaContext& ctx, const FunctionLayers& layers);

}  // namespace portico::control::lambda
