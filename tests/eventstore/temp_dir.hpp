#pragma once

#include "tests/support/temp_dir.hpp"

namespace docket::eventstore::testing {

using TempDir = docket::testing::TempDir;

}  // namespace docket::eventstore::testing
