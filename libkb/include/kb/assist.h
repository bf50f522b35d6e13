// Ticket assist: what a pasted support ticket states for certain (error codes, HTTP statuses, ids, the
// sender's name), and a scripted answer filled with those values only.
//
// Usage:
//   kb::Ticket ticket{.text = pasted, .from = "Ana Souza <ana@example.com>", .agent = "Sam"};
//   kb::TicketSignals signals = kb::ExtractSignals(ticket.subject + "\n" + ticket.text);
//   kb::FilledAnswer reply = kb::FillAnswer(answer_text, item.placeholder_patterns, ticket);
//   // reply.text, reply.values["customer_name"] = {"Ana", "from_header"}, reply.missing = {"decline_reason"}
//
// Never guessed: a name comes only from a self-introduction ("Hi, I'm Ana"), the line after a sign-off
// ("Thanks,\nAna Souza") or the display name of `from`; an id only from a word that matches the whole
// pattern the answer declares for that placeholder, and only when exactly one distinct word does. Values
// filled: customer_name (the first name), ticket_subject, agent_name and the declared patterns.
//
// Thread-safety: pure functions, except MatchTicket, which uses the Searcher it is given (one per thread).
#ifndef KB_ASSIST_H_
#define KB_ASSIST_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kb/searcher.h"

namespace kb {

struct Ticket {
  std::string text;     // the message as pasted
  std::string subject;  // "" if none
  std::string from;     // "Ana Souza <ana@example.com>", "ana@example.com" or ""
  std::string agent;    // the engineer answering, for {{agent_name}}
};

struct TicketSignals {
  std::vector<std::string> error_codes;    // ERR_CARD_DECLINED, E1042 (uppercase, in order, no duplicates)
  std::vector<std::string> http_statuses;  // "502" when written as HTTP 502, status 429, 503 Service Unavailable
  std::vector<std::string> identifiers;    // object ids such as pay_3Fk9Qm2Lx, re_5Hn2Lk9Qp
};

// Longest text ExtractSignals and FillAnswer look at; the rest of a longer ticket is ignored.
inline constexpr std::size_t kMaxTicketBytes = 64u << 10;

TicketSignals ExtractSignals(std::string_view text);

struct FilledValue {
  std::string value;
  std::string from;  // greeting | signature | from_header | pattern | subject | agent
};

// The sender's full name as the ticket states it; value "" when it does not.
FilledValue FindSenderName(const Ticket& ticket);

struct FilledAnswer {
  std::string text;                           // placeholders with a value replaced, the others left as {{x}}
  std::map<std::string, FilledValue> values;  // only placeholders the text uses
  std::vector<std::string> missing;           // placeholders still to fill, in order of first use
};

// `patterns`: Item::placeholder_patterns of the answer.
FilledAnswer FillAnswer(std::string_view answer_text, const std::map<std::string, std::string>& patterns,
                        const Ticket& ticket);

// What is wrong with a placeholder pattern ("is not a valid regular expression: ...", "matches an empty
// word"), or "" when it is usable.
std::string PatternProblem(std::string_view pattern);

// What a ticket's search found: the article that explains it and the scripted answer to send.
struct TicketMatch {
  SearchResponse found;             // the ticket's own search
  int article = -1;                 // index of the explaining article in found.hits; -1 if none
  std::optional<SearchHit> answer;  // the reply to send, in the article's language; none if none was written for it
};

// Runs `request` (the ticket as the query) and picks the first article hit and the answer for it, in the
// article's language and written for it (they share an error code or a tag, or one links to the other): among
// the hits that Searcher::Related also finds, then among the related items, then among the other hits, and
// last by a search for the article's codes and title among the answers (cheaper than searching the whole
// ticket again). No answer rather than one about something else.
Result<TicketMatch> MatchTicket(Searcher& searcher, const SearchRequest& request);

}  // namespace kb

#endif  // KB_ASSIST_H_
