#pragma once

#include "tests/support/temp_dir.hpp"

namespace docket::projections::testing {

using TempDir = docket::testing::TempDir;

}  // namespace docket::projections::testing
