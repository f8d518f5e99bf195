#pragma once
// Helpers shared by the query implementations. Thread-safe (read-only on the store).

#include <optional>
#include <string_view>
#include <vector>

#include "projections/queries.hpp"

namespace docket::projections::detail {

std::optional<DoctorRecord> load_doctor(const ReadView& store, std::string_view id);
Paging normalize(Paging p);
// The doctor's live blocks.
std::vector<BlockRecord> live_blocks(const ReadView& store, std::string_view doctor_id);
bool blocked(const std::vector<BlockRecord>& blocks, domain::Instant start, domain::Instant end);
// The slots of local dates [from, to] in the doctor's zone.
std::vector<domain::Slot> slots_between(const DoctorRecord& d, const date::time_zone& zone,
                                        domain::LocalDate from, domain::LocalDate to);

}  // namespace docket::projections::detail
