// `kb-index check` reports: compiler-style text, JSON, and GitHub Actions workflow commands.
#include <nlohmann/json.hpp>

#include "output.h"

namespace kb::cli {
namespace {

const char* SeverityName(Diagnostic::Severity s) { return s == Diagnostic::Severity::kError ? "error" : "warning"; }

// Workflow-command escaping (see GitHub's toolkit `command.ts`): data escapes % CR LF; property values
// also escape ':' and ','.
std::string EscapeData(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string EscapeProperty(const std::string& s) {
  std::string out;
  for (char c : EscapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

void PrintCheckReport(const CheckReport& report, const std::string& format, Verbosity verbosity) {
  if (format == "json") {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const CheckFinding& f : report.findings) {
      const Diagnostic& d = f.diagnostic;
      diagnostics.push_back({{"path", d.path},
                             {"line", d.line},
                             {"column", d.column},
                             {"severity", SeverityName(d.severity)},
                             {"rule", f.rule},
                             {"message", d.message}});
    }
    const nlohmann::json out = {{"files", report.files},
                                {"errors", report.errors},
                                {"warnings", report.warnings},
                                {"diagnostics", diagnostics}};
    // Invalid UTF-8 in a message (it quotes file content) is replaced rather than aborting the report.
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    for (const CheckFinding& f : report.findings) {
      const Diagnostic& d = f.diagnostic;
      if (verbosity == Verbosity::kQuiet && d.severity != Diagnostic::Severity::kError) continue;
      if (format == "github") {
        std::printf("::%s file=%s,line=%d,col=%d,title=%s::%s\n", SeverityName(d.severity),
                    EscapeProperty(d.path).c_str(), d.line, d.column, EscapeProperty("kb check " + f.rule).c_str(),
                    EscapeData(d.message).c_str());
      } else {
        std::printf("%s:%d:%d: %s: %s [%s]\n", d.path.c_str(), d.line, d.column, SeverityName(d.severity),
                    d.message.c_str(), f.rule.c_str());
      }
    }
  }
  std::fflush(stdout);
  if (verbosity != Verbosity::kQuiet) {
    std::fprintf(stderr, "check: %zu files, %zu error%s, %zu warning%s\n", report.files, report.errors,
                 report.errors == 1 ? "" : "s", report.warnings, report.warnings == 1 ? "" : "s");
  }
}

}  // namespace kb::cli
