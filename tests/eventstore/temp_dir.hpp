#pragma once
// The shared TempDir (tests/support/temp_dir.hpp), named in this module's test namespace.

#include "tests/support/temp_dir.hpp"

namespace docket::eventstore::testing {

using TempDir = docket::testing::TempDir;

}  // namespace docket::eventstore::testing
