// isobox entry point: everything lives in libraries so it can be tested; main only forwards.
#include "cli/app.hpp"

int main(int argc, char **argv) { return isobox::cli::run_cli(argc, argv); }
