// What a query asks for beyond its words: a reply to send, or help with something that went wrong.
#ifndef KB_SRC_QUERY_INTENT_H_
#define KB_SRC_QUERY_INTENT_H_

#include <string>
#include <string_view>

#include <xapian.h>

namespace kb::internal {

// True when the query asks for the words to send rather than for the explanation: "reply", "respond", "what
// do I tell", "template", Turkish "cevap", "yanıt", "ne diyeyim".
bool AsksForReply(const std::string& text);

// True when `text` says that something went wrong: a failure word ("failed", "declined", "bounced",
// "stopped", "missing", "error"), a negation ("not", "can't", "never"), or Turkish ones ("başarısız", "hata",
// "gecikti", "yok") and negative verb endings ("gelmiyor", "yatmadı"). Queries that do are problem reports;
// items whose title or tags do are the articles that troubleshoot a problem.
bool NamesProblem(std::string_view text);

// True when `text` speaks in the first person singular ("who do I escalate", "my shift", "can I tell", Turkish
// "ben", "bana"): typed by the engineer about their own work, where a pasted customer message says "we" and a
// product question names no one.
bool SpeaksInFirstPerson(const std::string& text);

// `text` without the words of an English question's frame that name no topic: "long", "many", "much", "often",
// "soon" after "how", and, after "how long", the verb "take". The timing words go to `frame`, space-separated
// ("many" and "much" are dropped: a count or an amount, which no item's words say).
// "how long do payouts take" searches "how do payouts", with "long take" only reordering its matches: "long"
// and "take" had put "Refund timing" ("How long refunds take") above "Payout schedule". `text` as it is when the
// frame is all it has ("how long").
std::string WithoutQuestionFrame(const std::string& text, std::string* frame);

// NamesProblem of an indexed item's title and tags.
bool ItemNamesProblem(const Xapian::Document& doc);

}  // namespace kb::internal

#endif  // KB_SRC_QUERY_INTENT_H_
