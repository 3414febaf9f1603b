// The report: content as neutral sections (tables, text, charts), rendered to Markdown and a
// self-contained HTML page; one node (a bench run) or several (merge: a column per node).
#pragma once

#include <string>
#include <vector>

#include "eval/results.hpp"

namespace isobox::eval {

/// A table cell; `key` (e.g. "startup_ms/runc") marks a figure the Chromium check compares
/// with results.json (HTML data-key attribute).
struct Cell {
  std::string text;
  std::string key;
  std::string cls;    // HTML class (the audit colours verdict cells)
  std::string href;   // HTML: the text links here (the audit's cells link to their detail)
  std::string anchor; // HTML: the cell's id, a link target
};

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
};

struct Section {
  std::string id;
  std::string title;
  std::vector<std::string> paragraphs;
  std::vector<std::string> bullets;
  std::vector<Table> tables;
  std::vector<std::string> charts; // SVG, HTML only
};

/// The report's sections for one or more nodes' results.
std::vector<Section> build_sections(const std::vector<Results> &nodes);

std::string render_markdown(const std::vector<Section> &sections, const std::string &title);
std::string render_html(const std::vector<Section> &sections, const std::string &title);

/// Writes report.md and report.html (and results.json for a single node) into `out_dir`.
Result<void> write_reports(const std::vector<Results> &nodes, const std::string &out_dir);

} // namespace isobox::eval
