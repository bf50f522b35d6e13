// Scripted answers: text an engineer sends to a customer, with placeholders such as {{customer_name}}.
//
// An answer item's text to send is AnswerText(item): the section under a heading "Answer", else its body.
// A placeholder is `{{ name }}` where name is [A-Za-z_][A-Za-z0-9_.]* (spaces inside the braces allowed).
// Rendering never leaves a placeholder silently blank: missing values are listed and left in the text.
//
// Thread-safety: pure functions.
#ifndef KB_ANSWER_H_
#define KB_ANSWER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kb/item.h"
#include "kb/status.h"

namespace kb {

struct PlaceholderProblem {
  int line = 0;    // 1-based, within the text given
  int column = 0;  // 1-based
  std::string message;
};

// Names of the well-formed placeholders in order of first use, without duplicates.
std::vector<std::string> ListPlaceholders(std::string_view text);

// Malformed placeholders: `{{` without `}}`, empty or invalid names.
std::vector<PlaceholderProblem> FindPlaceholderProblems(std::string_view text);

struct RenderedAnswer {
  std::string text;                  // the text with every given placeholder replaced
  std::vector<std::string> missing;  // placeholders without a value (or only blanks), left as {{name}}
  bool complete() const { return missing.empty(); }
};

RenderedAnswer RenderAnswer(std::string_view text, const std::map<std::string, std::string>& values);

// The part of a scripted answer that goes to the customer: the Markdown under a heading named "Answer" (any
// level, any case, up to the next heading of the same or a higher level); without one, the body minus a
// leading `# Title`. Blank lines around it are trimmed.
std::string AnswerText(const Item& item);

}  // namespace kb

#endif  // KB_ANSWER_H_
