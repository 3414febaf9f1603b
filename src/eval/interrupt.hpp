// Ctrl-C during a bench: the harness finishes the run in flight, cleans up and exits non-zero.
#pragma once

namespace isobox::eval {

/// SIGINT and SIGTERM set a flag instead of killing the harness (children are in their own
/// process groups, so they finish the run they are in).
void install_interrupt_handler();
bool interrupted();

} // namespace isobox::eval
