// The words of an item's text as BuildDocument indexes them (stored_text.h).

#include "stored_text.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "query_text.h"
#include "term_prefixes.h"
#include "text.h"

namespace kb::internal {
namespace {

// Calls fn(token) for each run of ASCII letters, digits and underscores in `text`, except a run that stops at a
// byte of a UTF-8 letter: it is part of a longer word.
template <typename Fn>
void ForEachAsciiToken(std::string_view text, Fn fn) {
  auto token_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !token_char(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && token_char(text[i])) ++i;
    if (i > start && (i == text.size() || static_cast<unsigned char>(text[i]) < 0x80))
      fn(text.substr(start, i - start));
  }
}

bool IsAsciiCapital(char c) { return c >= 'A' && c <= 'Z'; }

// An acronym's plural ("IBANs", "SLAs", "APIs"), 2 to 8 capitals and an 's', as the acronym's exact term
// ("iban"); empty for any other token. A query keeps ALL-CAPS words as typed and unstemmed, so "IBAN" missed
// the article that writes "IBANs" (its terms were "ibans" and the stem "Ziban").
std::string AcronymSingular(std::string_view token) {
  if (token.size() < 3 || token.size() > 9 || token.back() != 's') return "";
  const std::string_view acronym = token.substr(0, token.size() - 1);
  return std::all_of(acronym.begin(), acronym.end(), IsAsciiCapital) ? AsciiLower(acronym) : "";
}

// An error code: capitals, digits and underscores, with at least one capital and one underscore
// ("ERR_DO_NOT_HONOR"), as its words ("ERR DO NOT HONOR"); empty for any other token.
std::string CodeWords(std::string_view token) {
  const bool code = token.find('_') != std::string_view::npos &&
                    std::any_of(token.begin(), token.end(), IsAsciiCapital) &&
                    std::none_of(token.begin(), token.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!code) return "";
  std::string words(token);
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

// Calls fn(text, wdf) for the title, aliases, summary, section headings and section texts (not the tags), each
// with the within-document frequency its field's words get.
template <typename Fn>
void ForEachFieldText(const Item& item, const FieldWdf& wdf, Fn fn) {
  fn(item.title, wdf.title);
  for (const std::string& alias : item.aliases) fn(alias, wdf.alias);
  fn(item.summary, wdf.heading);
  for (const Section& section : item.sections) {
    if (section.level > 0) fn(section.title, wdf.heading);
    fn(section.text, kWdfBody);
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
  ForEachFieldText(item, wdf, [&](const std::string& text, unsigned field_wdf) {
    tg.index_text_without_positions(FoldedTurkishWords(text), field_wdf);
  });
}

void IndexAcronymSingulars(const Item& item, const FieldWdf& wdf, Xapian::Document& doc) {
  ForEachFieldText(item, wdf, [&](const std::string& text, unsigned field_wdf) {
    ForEachAsciiToken(text, [&](std::string_view token) {
      if (const std::string term = AcronymSingular(token); !term.empty()) doc.add_term(term, field_wdf);
    });
  });
}

// Each code's words with positions, after the text's own: the phrase "do not honor" finds "ERR_DO_NOT_HONOR".
void IndexCodeWords(const Item& item, Xapian::TermGenerator& tg) {
  for (const Section& section : item.sections) {
    ForEachAsciiToken(section.text, [&](std::string_view token) {
      if (const std::string words = CodeWords(token); !words.empty()) {
        tg.index_text(words, kWdfBody);
        tg.increase_termpos();
      }
    });
  }
}

}  // namespace kb::internal
