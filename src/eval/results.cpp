// The eval's results: results.json serialization (schema "isobox-eval", versions 1 and 2).
#include "eval/results.hpp"

#include <fstream>

namespace isobox::eval {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Summary, min, median, p90, mean, count)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Interval, low, high)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LinearFit, intercept, slope)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Machine, hostname, cpu_model, cores, kernel,
                                                cgroup_mode, governor, load_before, load_after,
                                                isobox_version, started_utc, duration_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BackendInfo, name, kind, available, skip_reason,
                                                version, command, memory_method, notes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Measurement, backend, workload, kind, size, ok,
                                                error, samples_s, summary, ratios, ratio_median,
                                                ratio_ci, peak_rss_kib)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Density, backend, ok, error, budget_mib, instances,
                                                per_instance_kib, fits, extrapolated)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CrossoverCurve, backend, workload, sizes, median_s,
                                                fit)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BenchSection, quick, samples, warmup, workloads,
                                                measurements, density, crossover, instantiate,
                                                density_method, crossover_workload)

nlohmann::json to_json(const Results &results) {
  nlohmann::json doc;
  doc["schema"] = kSchemaName;
  doc["version"] = results.version;
  doc["node"] = results.node;
  doc["machine"] = results.machine;
  doc["backends"] = results.backends;
  nlohmann::json sections = nlohmann::json::object();
  for (const auto &[name, raw] : results.other_sections)
    sections[name] = raw;
  if (results.has_bench)
    sections["bench"] = results.bench;
  doc["sections"] = sections;
  return doc;
}

Result<Results> results_from_json(const nlohmann::json &doc) {
  if (!doc.is_object() || doc.value("schema", "") != kSchemaName)
    return make_error("not an isobox eval results file (schema is not \"{}\")", kSchemaName);
  const int version = doc.value("version", 0);
  if (version < 1 || version > kSchemaVersion)
    return make_error("results schema version {} is not supported (this isobox reads 1 to {})",
                      version, kSchemaVersion);
  try {
    Results r;
    r.version = version;
    r.node = doc.value("node", "");
    r.machine = doc.value("machine", Machine{});
    r.backends = doc.value("backends", std::vector<BackendInfo>{});
    const nlohmann::json sections = doc.value("sections", nlohmann::json::object());
    for (const auto &[name, raw] : sections.items()) {
      if (name == "bench") {
        r.has_bench = true;
        r.bench = raw.get<BenchSection>();
      } else {
        r.other_sections[name] = raw;
      }
    }
    return r;
  } catch (const nlohmann::json::exception &e) {
    return make_error("malformed results: {}", e.what());
  }
}

Result<Results> load_results(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    return sys_error("open {}", path);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded())
    return make_error("{}: not valid JSON", path);
  auto r = results_from_json(doc);
  if (!r)
    return std::unexpected(r.error().wrap(path));
  return r;
}

Result<void> save_results(const Results &results, const std::string &path) {
  std::ofstream out(path);
  out << to_json(results).dump(1) << '\n';
  if (!out.flush())
    return sys_error("write {}", path);
  return {};
}

} // namespace isobox::eval
