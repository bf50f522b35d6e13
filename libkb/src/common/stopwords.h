// Common English words that carry no meaning in a query (for long pasted queries and more-like-this).
#ifndef KB_SRC_STOPWORDS_H_
#define KB_SRC_STOPWORDS_H_

#include <xapian.h>

#include <string_view>

namespace kb::internal {

bool IsStopword(std::string_view word);
// The same words as a Xapian stopper (one shared instance, never freed).
const Xapian::Stopper* EnglishStopper();

}  // namespace kb::internal

#endif  // KB_SRC_STOPWORDS_H_
