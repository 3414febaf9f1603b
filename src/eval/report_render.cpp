// Renders report sections as Markdown and as one self-contained HTML page (inline CSS and SVG,
// no script, no network), and writes the report files.
#include <fstream>

#include "eval/report.hpp"
#include "eval/svg.hpp"

namespace isobox::eval {
namespace {

std::string md_cell(const std::string &text) {
  std::string out;
  for (char c : text)
    out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string md_table(const Table &t) {
  std::string out = "|";
  for (const auto &h : t.header)
    out += " " + md_cell(h) + " |";
  out += "\n|";
  for (std::size_t i = 0; i < t.header.size(); i++)
    out += "---|";
  out += "\n";
  for (const auto &row : t.rows) {
    out += "|";
    for (const auto &c : row)
      out += " " + md_cell(c.text) + " |";
    out += "\n";
  }
  return out + "\n";
}

std::string html_table(const Table &t) {
  std::string out = "<table>\n<tr>";
  for (const auto &h : t.header)
    out += "<th>" + svg::escape(h) + "</th>";
  out += "</tr>\n";
  for (const auto &row : t.rows) {
    out += "<tr>";
    for (const auto &c : row)
      out += "<td" + (c.cls.empty() ? "" : " class=\"" + svg::escape(c.cls) + "\"") +
             (c.key.empty() ? "" : " data-key=\"" + svg::escape(c.key) + "\"") +
             (c.anchor.empty() ? "" : " id=\"" + svg::escape(c.anchor) + "\"") + ">" +
             (c.href.empty()
                  ? svg::escape(c.text)
                  : "<a href=\"" + svg::escape(c.href) + "\">" + svg::escape(c.text) + "</a>") +
             "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

constexpr const char *kStyle = R"(body{font-family:system-ui,sans-serif;margin:24px auto;
max-width:1100px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}
th{background:#f3f3f3}svg.chart{display:block;margin:8px 0 20px;border:1px solid #eee}
li{margin:4px 0}code{font-size:12px}.v-blocked{background:#dfd}.v-contained{background:#eef7d0}
.v-escaped{background:#fdd}.v-crashed,.v-error{background:#fc9}.mismatch{font-weight:bold;outline:2px solid #c00})";

} // namespace

std::string render_markdown(const std::vector<Section> &sections, const std::string &title) {
  std::string out = "# " + title + "\n\n";
  for (const auto &s : sections) {
    out += "## " + s.title + "\n\n";
    for (const auto &p : s.paragraphs)
      out += p + "\n\n";
    for (const auto &b : s.bullets)
      out += "- " + b + "\n";
    if (!s.bullets.empty())
      out += "\n";
    for (const auto &t : s.tables)
      out += md_table(t);
  }
  return out;
}

std::string render_html(const std::vector<Section> &sections, const std::string &title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                    svg::escape(title) + "</title>\n<style>" + kStyle +
                    "</style></head>\n<body>\n<h1>" + svg::escape(title) + "</h1>\n";
  for (const auto &s : sections) {
    out += "<section id=\"" + svg::escape(s.id) + "\">\n<h2>" + svg::escape(s.title) + "</h2>\n";
    for (const auto &p : s.paragraphs)
      out += "<p>" + svg::escape(p) + "</p>\n";
    if (!s.bullets.empty()) {
      out += "<ul>\n";
      for (const auto &b : s.bullets)
        out += "<li>" + svg::escape(b) + "</li>\n";
      out += "</ul>\n";
    }
    for (const auto &c : s.charts) // a chart with nothing to draw (e.g. a subset run) is left out
      if (c.find("class=\"bar\"") != std::string::npos ||
          c.find("class=\"pt\"") != std::string::npos)
        out += c;
    for (const auto &t : s.tables)
      out += html_table(t);
    out += "</section>\n";
  }
  return out + "</body></html>\n";
}

Result<void> write_reports(const std::vector<Results> &nodes, const std::string &out_dir) {
  if (nodes.empty())
    return make_error("no results to report");
  const auto sections = build_sections(nodes);
  const std::string title = nodes.size() == 1
                                ? "isobox eval: containers vs WebAssembly on " + nodes[0].node
                                : fmt::format("isobox eval: {} nodes", nodes.size());
  if (nodes.size() == 1)
    ISOBOX_CHECK(save_results(nodes[0], out_dir + "/results.json"));
  for (const auto &[name, text] : {std::pair{"report.md", render_markdown(sections, title)},
                                   std::pair{"report.html", render_html(sections, title)}}) {
    std::ofstream out(out_dir + "/" + name);
    out << text;
    if (!out.flush())
      return sys_error("write {}/{}", out_dir, name);
  }
  return {};
}

} // namespace isobox::eval
