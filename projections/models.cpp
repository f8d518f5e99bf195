#include "projections/models.hpp"

#include <array>

namespace docket::projections {
namespace {

constexpr std::array<Model, 6> kModels = {Model::doctors, Model::availability, Model::appointments,
                                          Model::queues,  Model::stats,        Model::history};

}  // namespace

std::vector<Model> ModelSet::list() const {
  std::vector<Model> out;
  for (const Model m : kModels) {
    if (has(m)) out.push_back(m);
  }
  return out;
}

std::string_view to_string(Model m) noexcept {
  switch (m) {
    case Model::doctors:
      return "doctors";
    case Model::availability:
      return "availability";
    case Model::appointments:
      return "appointments";
    case Model::queues:
      return "queues";
    case Model::stats:
      return "stats";
    case Model::history:
      return "history";
  }
  return "unknown";
}

std::optional<Model> parse_model(std::string_view name) noexcept {
  for (const Model m : kModels) {
    if (to_string(m) == name) return m;
  }
  return std::nullopt;
}

std::string_view tables_of(Model m) noexcept {
  switch (m) {
    case Model::doctors:
      return "Ddf";
    case Model::availability:
      return "OHFBa";
    case Model::appointments:
      return "Axn";
    case Model::queues:
      return "WwLlkK";
    case Model::stats:
      return "STUPGg";
    case Model::history:
      return "E";
  }
  return "";
}

}  // namespace docket::projections
