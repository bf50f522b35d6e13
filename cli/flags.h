// Command-line pieces shared by kb-index, kb-report and kb-server: the one syntax of a number setting, and
// CLI11 options that use it. Only the programs include this (CLI11 is header-only); libkb never does.
//
// Thread-safety: stateless functions.
#ifndef KB_CLI_FLAGS_H_
#define KB_CLI_FLAGS_H_

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace kb::flags {

// The whole of `text` as a decimal number in [min, max]: digits with an optional leading '-' (signed
// types), and for floating point a fraction and exponent. No spaces, '+', hex, octal or trailing text
// (CLI11's own conversion reads "010" as octal 8 and "-1" as a huge unsigned, so kb does not use it).
template <typename T>
std::optional<T> ParseNumber(std::string_view text, T min, T max) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  // `!(value >= min)` also rejects NaN.
  if (text.empty() || ec != std::errc() || ptr != end || !(value >= min) || value > max) return std::nullopt;
  return value;
}

// "'TEXT' is not a number between MIN and MAX".
template <typename T>
std::string NumberError(std::string_view text, T min, T max) {
  std::ostringstream out;
  out << "'" << text << "' is not a number between " << min << " and " << max;
  return out.str();
}

// Adds the option `name` ("--shards") storing a ParseNumber value in *out. A bad value fails the parse with
// "--shards: 'x' is not a number between 1 and 256"; given twice, the last one counts.
template <typename T>
CLI::Option* AddNumber(CLI::App* app, const std::string& name, T* out, T min, T max) {
  return app
      ->add_option(name,
                   [name, out, min, max](const CLI::results_t& results) {
                     const std::optional<T> value = ParseNumber<T>(results.back(), min, max);
                     if (!value) throw CLI::ValidationError(name, NumberError<T>(results.back(), min, max));
                     *out = *value;
                     return true;
                   })
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// Adds the option `name` storing its (last) value in *out.
inline CLI::Option* AddString(CLI::App* app, const std::string& name, std::string* out) {
  return app->add_option(name, *out)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// Gives `app` the flag -h/--help, which ends parsing at once with CLI::CallForHelp (naming `app` in *asked when
// not null). CLI11's own help flag is only looked at after every option has been checked, so a bad value
// anywhere would hide the help; kb's programs have always printed it whatever else is on the line.
inline void AddHelp(CLI::App* app, std::string* asked = nullptr) {
  app->set_help_flag();
  app->add_flag_callback("-h,--help",
                         [app, asked] {
                           if (asked != nullptr) *asked = app->get_name();
                           throw CLI::CallForHelp();
                         })
      ->trigger_on_parse();
}

// Parses argv with `app`; throws CLI::ParseError (CLI::CallForHelp for --help). kb has always read "--name="
// as an empty value, where CLI11 alone would take the next argument as the value instead.
inline void Parse(CLI::App* app, int argc, const char* const* argv) {
  std::vector<std::string> args;  // CLI11 takes them last to first
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    options_done = options_done || arg == "--";
    if (!options_done && arg.size() > 3 && arg.rfind("--", 0) == 0 && arg.find('=') == arg.size() - 1) {
      args.push_back(arg.substr(0, arg.size() - 1));
      args.emplace_back();
    } else {
      args.push_back(arg);
    }
  }
  std::reverse(args.begin(), args.end());
  app->parse(std::move(args));
}

// A parse error in kb's words where CLI11 2.1's are awkward ("--db: 1 required TEXT missing", "strict was
// given a disallowed flag override"); any other message as CLI11 wrote it.
inline std::string ErrorMessage(const CLI::ParseError& e) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    constexpr std::string_view kMissing = " missing", kOverride = " was given a disallowed flag override";
    const std::size_t colon = what.find(": ");
    if (what.rfind("--", 0) == 0 && colon != std::string::npos && what.ends_with(kMissing)) {
      return what.substr(0, colon) + " needs a value";
    }
    if (what.ends_with(kOverride)) return "--" + what.substr(0, what.size() - kOverride.size()) + " takes no value";
  }
  return what;
}

// What `app` did not recognise, in order (allow_extras), without the "--" that CLI11 keeps there.
inline std::vector<std::string> Unrecognised(const CLI::App& app) {
  std::vector<std::string> out;
  for (std::string& arg : app.remaining()) {
    if (arg != "--") out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace kb::flags

#endif  // KB_CLI_FLAGS_H_
