#include "output.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "kb/index_writer.h"

namespace kb::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

std::string Mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string Fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string Duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// "1 file", "2 files".
std::string Count(std::size_t n, const char* noun) {
  std::string out = std::to_string(n);
  out += ' ';
  out += noun;
  if (n != 1) out += 's';
  return out;
}

// Counts sorted by count (descending), then name; "" shown as "(none)".
std::vector<std::pair<std::string, std::size_t>> ByCount(const std::map<std::string, std::size_t>& counts) {
  std::vector<std::pair<std::string, std::size_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (auto& [name, n] : out) {
    if (name.empty()) name = "(none)";
  }
  return out;
}

}  // namespace

void ProgressPrinter::Update(const IndexProgress& p) {
  if (!enabled_) return;
  const bool phase_changed = !started_ || p.phase != last_phase_;
  if (!live_) {
    if (!phase_changed) return;
    if (started_ && last_phase_ == IndexProgress::Phase::kScanning) {
      std::fprintf(stderr, "scanned: %zu Markdown files (%s) in %s s\n", p.files_total, Mb(p.bytes_total).c_str(),
                   Fixed(Seconds(phase_start_), 2).c_str());
    }
    if (p.phase == IndexProgress::Phase::kCommitting) {
      std::fprintf(stderr, "read: %zu files (%s), parsed %zu, in %s s; committing\n", p.files_done,
                   Mb(p.bytes_done).c_str(), p.parsed, Fixed(Seconds(phase_start_), 2).c_str());
    }
    if (p.phase == IndexProgress::Phase::kCompacting) {
      std::fprintf(stderr, "committed in %s s; compacting\n", Fixed(Seconds(phase_start_), 2).c_str());
    }
    if (phase_changed) phase_start_ = Clock::now();
    started_ = true;
    last_phase_ = p.phase;
    return;
  }
  if (phase_changed) phase_start_ = Clock::now();
  started_ = true;
  last_phase_ = p.phase;
  const Clock::time_point now = Clock::now();
  if (!phase_changed && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::string line;
  switch (p.phase) {
    case IndexProgress::Phase::kScanning: line = "scanning sources..."; break;
    case IndexProgress::Phase::kIndexing: {
      const double elapsed = std::max(Seconds(phase_start_), 1e-3);
      const double bytes_rate = static_cast<double>(p.bytes_done) / elapsed;
      const double eta = bytes_rate > 0 ? static_cast<double>(p.bytes_total - p.bytes_done) / bytes_rate : 0;
      const int percent = p.files_total ? static_cast<int>(100 * p.files_done / p.files_total) : 100;
      line = "indexing " + std::to_string(p.files_done) + "/" + std::to_string(p.files_total) + " files (" +
             std::to_string(percent) + "%), parsed " + std::to_string(p.parsed) + "  " +
             Fixed(static_cast<double>(p.files_done) / elapsed, 0) + " files/s  " + Fixed(bytes_rate / 1e6, 1) +
             " MB/s  ETA " + Duration(eta);
      break;
    }
    case IndexProgress::Phase::kCommitting: line = "committing..."; break;
    case IndexProgress::Phase::kCompacting: line = "compacting..."; break;
    case IndexProgress::Phase::kDone: Clear(); return;
  }
  std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
  std::fflush(stderr);
  line_shown_ = true;
}

void ProgressPrinter::Clear() {
  if (!line_shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  line_shown_ = false;
}

void PrintFileEvent(const FileEvent& e) {
  std::string line = std::string(FileActionName(e.action));
  line.resize(10, ' ');
  line += e.source + ":" + e.path;
  if (e.action == FileAction::kMoved) line += " (from " + e.detail + ")";
  if (e.action == FileAction::kSkipped) line += ": " + e.detail;
  if (!e.id.empty() && e.action != FileAction::kSkipped) line += "  [" + e.id + "]";
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);  // each line reaches a pipe as it happens (tests and log followers read it live)
}

void PrintSkipped(const std::vector<Source>& sources, const std::vector<SkippedFile>& skipped, std::FILE* out) {
  if (!skipped.empty()) std::fprintf(out, "skipped %s:\n", Count(skipped.size(), "file").c_str());
  for (const SkippedFile& f : skipped) {
    auto src = std::find_if(sources.begin(), sources.end(), [&](const Source& x) { return x.name == f.source; });
    const std::string path = src == sources.end() ? f.source + ":" + f.path : src->DisplayPath(f.path);
    std::fprintf(out, "  %s: %s\n", path.c_str(), f.reason.c_str());
  }
}

void PrintIndexSummary(const std::string& command, const std::string& db, const std::vector<Source>& sources,
                       const IndexSummary& s, Verbosity verbosity) {
  if (verbosity == Verbosity::kQuiet) return;
  const double secs = std::max(s.seconds, 1e-3);
  std::printf(
      "%s %s: %zu files read (%s), %zu parsed; added %zu, updated %zu, moved %zu, removed %zu, "
      "unchanged %zu, skipped %zu\n",
      command.c_str(), db.c_str(), s.files, Mb(s.bytes).c_str(), s.parsed, s.added, s.updated, s.moved, s.removed,
      s.unchanged, s.skipped.size());
  const std::string ignored = s.ignored == 0 ? "" : ", " + Count(s.ignored, "other file") + " ignored";
  std::printf("items: %zu (%s) from %s; %s in %s s (%s files/s, %s MB/s)%s\n", s.items,
              Count(s.answers, "answer").c_str(), Count(s.sources.size(), "source").c_str(),
              s.committed ? (s.compacted ? "committed and compacted" : "committed") : "no change to commit",
              Fixed(s.seconds, 2).c_str(), Fixed(static_cast<double>(s.files) / secs, 0).c_str(),
              Fixed(static_cast<double>(s.bytes) / 1e6 / secs, 1).c_str(), ignored.c_str());
  if (!s.rebuilt_from_schema.empty()) {
    std::printf(
        "  the index was written by an older kb (index schema %s; this kb writes schema %d): rebuilt from "
        "every file\n",
        s.rebuilt_from_schema.c_str(), kSchemaVersion);
  }
  for (const SourceSummary& src : s.sources) {
    std::printf("  source %s (%s): %zu files, %zu items%s\n", src.name.c_str(), src.root.c_str(), src.files, src.items,
                src.commit.empty() ? "" : (", commit " + src.commit).c_str());
  }
  for (const std::string& name : s.removed_sources) {
    std::printf("  source %s: not given any more; its items were removed\n", name.c_str());
  }
  PrintSkipped(sources, s.skipped, stdout);
  std::fflush(stdout);
}

void PrintStats(const std::string& db, const IndexStats& st, const std::string& format) {
  if (format == "json") {
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& s : st.sources) sources.push_back({{"name", s.name}, {"root", s.root}, {"commit", s.commit}});
    const nlohmann::json out = {{"db", db},
                                {"items", st.items},
                                {"schema", st.schema},
                                {"updated", st.updated},
                                {"size_bytes", st.size_bytes},
                                {"by_kind", st.by_kind},
                                {"by_owner", st.by_owner},
                                {"by_tier", st.by_tier},
                                {"by_lang", st.by_lang},
                                {"by_source", st.by_source},
                                {"stale", st.stale},
                                {"stale_by_owner", st.stale_by_owner},
                                {"sources", sources}};
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  std::printf("database: %s\n  schema %s, %s on disk, last commit %s\n", db.c_str(),
              st.schema.empty() ? "(none)" : st.schema.c_str(), Mb(st.size_bytes).c_str(),
              st.updated.empty() ? "(never)" : st.updated.c_str());
  std::printf("items: %zu\n", st.items);
  for (const auto& [label, counts] : {std::pair{"kind", &st.by_kind},
                                      {"owner", &st.by_owner},
                                      {"tier", &st.by_tier},
                                      {"lang", &st.by_lang},
                                      {"source", &st.by_source}}) {
    std::string line;
    for (const auto& [name, n] : ByCount(*counts)) line += (line.empty() ? "" : ", ") + name + " " + std::to_string(n);
    std::printf("  by %-7s %s\n", (std::string(label) + ":").c_str(), line.c_str());
  }
  std::printf("stale: %zu\n", st.stale);
  for (const auto& [owner, n] : ByCount(st.stale_by_owner)) std::printf("  %s: %zu\n", owner.c_str(), n);
  std::printf("sources: %zu\n", st.sources.size());
  for (const auto& s : st.sources) {
    std::printf("  %s: %s, commit %s\n", s.name.c_str(), s.root.c_str(),
                s.commit.empty() ? "(not a git tree)" : s.commit.c_str());
  }
}

}  // namespace kb::cli
