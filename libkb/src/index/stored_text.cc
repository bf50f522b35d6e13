// The words of an item's text as BuildDocument indexes them (stored_text.h).

#include "stored_text.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "query_text.h"
#include "term_prefixes.h"

namespace kb::internal {
namespace {

// An acronym's plural ("IBANs", "SLAs", "APIs") is also indexed as the acronym's exact term ("iban"): a query
// keeps ALL-CAPS words as typed and unstemmed, so "IBAN" missed the article that writes "IBANs" (its terms
// were "ibans" and the stem "Ziban").
void AddAcronymSingulars(std::string_view text, unsigned wdf, Xapian::Document& doc) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !alnum(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && alnum(text[i])) ++i;
    const std::size_t caps = i - start - 1;  // the letters before the final 's'
    if (i - start < 3 || caps > 8 || text[i - 1] != 's' ||
        (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80))
      continue;
    std::string term;
    for (std::size_t k = start; k < start + caps && text[k] >= 'A' && text[k] <= 'Z'; ++k)
      term += static_cast<char>(text[k] - 'A' + 'a');
    if (term.size() == caps) doc.add_term(term, wdf);
  }
}

// An error code in capitals joined by underscores, indexed again as its words with positions
// (WriterOptions::code_words): "ERR_DO_NOT_HONOR" -> "err do not honor", which the phrase "do not honor" finds.
void IndexCodeWordsOf(std::string_view text, Xapian::TermGenerator& tg) {
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !word_char(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && word_char(text[i])) ++i;
    std::string code(text.substr(start, i - start));
    const bool capitals =
        std::none_of(code.begin(), code.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; });
    if (!capitals || code.find('_') == std::string::npos || (i < text.size() && text[i] & 0x80)) continue;
    std::replace(code.begin(), code.end(), '_', ' ');
    tg.index_text(code, kWdfBody);
    tg.increase_termpos();
  }
}

}  // namespace

// The free text of every field, each also under its own prefix where a `field:` search needs one.
void IndexText(const Item& item, const FieldWdf& wdf, Xapian::TermGenerator& tg) {
  tg.index_text(item.title, wdf.title);
  tg.index_text(item.title, 1, std::string(kPrefixTitle));
  tg.increase_termpos();
  for (const std::string& alias : item.aliases) {
    tg.index_text(alias, wdf.alias);
    tg.index_text(alias, 1, std::string(kPrefixAlias));
    tg.increase_termpos();
  }
  for (const std::string& tag : item.tags) {
    tg.index_text(tag, wdf.tag);
    tg.increase_termpos();
  }
  if (!item.summary.empty()) {
    tg.index_text(item.summary, wdf.heading);
    tg.increase_termpos();
  }
  for (const Section& section : item.sections) {
    if (section.level > 0) {
      tg.index_text(section.title, wdf.heading);
      tg.index_text(section.title, 1, std::string(kPrefixHeading));
      tg.increase_termpos();
    }
    tg.index_text(section.text, kWdfBody);
    tg.increase_termpos();
  }
}

// Turkish typed without ç ğ ı ö ş ü ("odeme iade olmadi") finds the same items: each word with one of them is
// also indexed folded, without positions (a quoted phrase keeps the real spelling).
void IndexFoldedTurkish(const Item& item, const FieldWdf& wdf, Xapian::TermGenerator& tg) {
  tg.index_text_without_positions(FoldedTurkishWords(item.title), wdf.title);
  for (const std::string& alias : item.aliases) tg.index_text_without_positions(FoldedTurkishWords(alias), wdf.alias);
  tg.index_text_without_positions(FoldedTurkishWords(item.summary), wdf.heading);
  for (const Section& section : item.sections) {
    if (section.level > 0) tg.index_text_without_positions(FoldedTurkishWords(section.title), wdf.heading);
    tg.index_text_without_positions(FoldedTurkishWords(section.text), kWdfBody);
  }
}

void IndexAcronymSingulars(const Item& item, const FieldWdf& wdf, Xapian::Document& doc) {
  AddAcronymSingulars(item.title, wdf.title, doc);
  for (const std::string& alias : item.aliases) AddAcronymSingulars(alias, wdf.alias, doc);
  AddAcronymSingulars(item.summary, wdf.heading, doc);
  for (const Section& section : item.sections) {
    if (section.level > 0) AddAcronymSingulars(section.title, wdf.heading, doc);
    AddAcronymSingulars(section.text, kWdfBody, doc);
  }
}

void IndexCodeWords(const Item& item, Xapian::TermGenerator& tg) {
  for (const Section& section : item.sections) IndexCodeWordsOf(section.text, tg);
}

}  // namespace kb::internal
