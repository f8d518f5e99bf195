#pragma once
// The availability answer's JSON written straight into a string: the same bytes as
// projections::to_json(view).dump() (members in name order, compact), without building a JSON
// tree for every slot — the availability query is the hottest read, and a week of 5-minute slots
// is 2,000 objects.

#include <string>

#include "projections/queries.hpp"

namespace docket::api {

// The compact JSON of `view`, byte for byte as projections::to_json(view).dump(). Pure.
std::string availability_body(const projections::AvailabilityView& view);

}  // namespace docket::api
