// Fuzzes scripted-answer placeholders: kb::ListPlaceholders, FindPlaceholderProblems and RenderAnswer,
// checking the contracts in answer.h, and the same text as a pasted ticket (ExtractSignals, FindSenderName,
// FillAnswer in assist.h).
//
// Input: the answer text, then (after the first 0x00 byte, if any) `name=value` pairs separated by 0x01.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "kb/answer.h"
#include "kb/assist.h"

namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '.'; }

bool IsValidName(std::string_view name) {
  return !name.empty() && IsNameStart(name[0]) && std::all_of(name.begin(), name.end(), IsNameChar);
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kb::fuzz::Require;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  std::map<std::string, std::string> values;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    while (!rest.empty()) {
      const std::size_t end = rest.find('\x01');
      const std::string_view pair = rest.substr(0, end);
      const std::size_t eq = pair.find('=');
      values[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
  }

  const std::vector<std::string> names = kb::ListPlaceholders(text);
  for (std::size_t i = 0; i < names.size(); ++i) {
    Require(IsValidName(names[i]), "listed names are valid");
    Require(std::find(names.begin(), names.begin() + i, names[i]) == names.begin() + i, "names are unique");
    Require(text.find(names[i]) != std::string_view::npos, "names come from the text");
  }

  int lines = 1;
  for (char c : text) lines += c == '\n';
  int last_line = 1;
  for (const kb::PlaceholderProblem& p : kb::FindPlaceholderProblems(text)) {
    Require(p.line >= last_line && p.line <= lines, "problems are in text order, on lines of the text");
    Require(p.column >= 1 && static_cast<std::size_t>(p.column) <= text.size(), "columns are positive");
    Require(!p.message.empty() && p.message.size() < 400, "messages are short and say something");
    last_line = p.line;
  }

  // Without values nothing changes and everything is missing.
  const kb::RenderedAnswer bare = kb::RenderAnswer(text, {});
  Require(bare.text == text, "no values leave the text as it is");
  Require(bare.missing == names, "no values: every placeholder is missing, in order of first use");

  // With the fuzzed values: exactly the names without a non-empty value are missing.
  const kb::RenderedAnswer rendered = kb::RenderAnswer(text, values);
  for (const std::string& name : names) {
    const auto it = values.find(name);
    // A value of only blanks is no value (the page and the render API count it as missing).
    const bool has_value = it != values.end() && it->second.find_first_not_of(" \t\r\n") != std::string::npos;
    Require(Contains(rendered.missing, name) != has_value, "missing lists exactly the names without a value");
  }
  Require(rendered.missing.size() <= names.size(), "missing names are placeholders");

  // With a value for every name the answer is complete and no valid placeholder survives.
  std::map<std::string, std::string> all;
  for (const std::string& name : names) all[name] = "<" + name + ">";
  const kb::RenderedAnswer full = kb::RenderAnswer(text, all);
  Require(full.complete(), "every name given: complete");
  if (text.find('{') == std::string_view::npos) Require(full.text == text, "nothing to replace: text unchanged");

  // The same bytes as a pasted ticket (kb/assist.h), filling the text as a template: only placeholders the
  // text uses get values, none empty, and what is neither filled nor missing does not exist.
  kb::Ticket ticket;
  ticket.text = std::string(text);
  ticket.from = values.count("from") ? values["from"] : "";
  ticket.agent = values.count("agent") ? values["agent"] : "";
  const kb::TicketSignals signals = kb::ExtractSignals(text);
  for (const std::string& id : signals.identifiers)
    Require(text.find(id) != std::string_view::npos, "ids come from the text");
  const kb::FilledValue sender = kb::FindSenderName(ticket);
  Require(sender.value.empty() == sender.from.empty(), "a name always says where it came from");
  const kb::FilledAnswer filled = kb::FillAnswer(text, {{"payment_id", "pay_[A-Za-z0-9]+"}}, ticket);
  for (const auto& [name, v] : filled.values) {
    Require(Contains(names, name) && !v.value.empty() && !v.from.empty(), "filled values are used placeholders");
    Require(!Contains(filled.missing, name), "a filled placeholder is not missing");
  }
  Require(filled.values.size() + filled.missing.size() == names.size(), "every placeholder is filled or missing");
  return 0;
}
