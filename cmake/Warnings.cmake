# One interface target carries the project's warning flags; every Docket target links it.
add_library(docket_warnings INTERFACE)
add_library(docket::warnings ALIAS docket_warnings)
target_compile_options(docket_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(DOCKET_WERROR)
  target_compile_options(docket_warnings INTERFACE -Werror)
endif()
