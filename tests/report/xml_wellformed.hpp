// xml_wellformed.hpp -- a small XML well-formedness checker (no dependency), for the report's SVG.
//
// Checks what "well-formed" means in XML 1.0 for the documents we write: an optional XML
// declaration, comments and processing instructions, exactly one root element, properly nested
// and matching tags, quoted attribute values without '<', no attribute twice on one element,
// '&' only in entity references (the five predefined ones or numeric), no '<' in text.
// It does not validate against a schema or handle DTDs/CDATA (the report writes neither).
#pragma once

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lmul_test {

class xml_checker {
 public:
  explicit xml_checker(std::string_view text) : text_(text) {}

  /// Empty when well-formed, otherwise what is wrong and where (byte offset).
  std::optional<std::string> error() {
    if (!document()) return message_ + " at byte " + std::to_string(error_at_);
    return std::nullopt;
  }
  /// Name of the root element (valid after a successful error() call).
  const std::string& root() const { return root_; }

 private:
  bool fail(const std::string& message) {
    message_ = message;
    error_at_ = pos_;
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool starts(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }
  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  static bool name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  }
  static bool name_char(char c) {
    return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  }
  bool name(std::string& out) {
    if (at_end() || !name_start(text_[pos_])) return fail("expected a name");
    const std::size_t start = pos_;
    while (!at_end() && name_char(text_[pos_])) ++pos_;
    out = std::string(text_.substr(start, pos_ - start));
    return true;
  }
  // '&' at pos_: a predefined or numeric entity reference.
  bool reference() {
    const std::size_t end = text_.find(';', pos_);
    if (end == std::string_view::npos) return fail("'&' without ';'");
    const std::string_view entity = text_.substr(pos_ + 1, end - pos_ - 1);
    bool ok = entity == "amp" || entity == "lt" || entity == "gt" || entity == "quot" ||
              entity == "apos";
    if (!ok && entity.size() >= 2 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      ok = !digits.empty();
      for (char c : digits) {
        ok = ok && (hex ? std::isxdigit(static_cast<unsigned char>(c))
                        : std::isdigit(static_cast<unsigned char>(c)));
      }
    }
    if (!ok) return fail("unknown entity '&" + std::string(entity) + ";'");
    pos_ = end + 1;
    return true;
  }
  // Comments and processing instructions (the XML declaration is one).
  bool misc() {
    if (starts("<!--")) {
      const std::size_t end = text_.find("-->", pos_ + 4);
      if (end == std::string_view::npos) return fail("unterminated comment");
      pos_ = end + 3;
      return true;
    }
    const std::size_t end = text_.find("?>", pos_ + 2);
    if (end == std::string_view::npos) return fail("unterminated processing instruction");
    pos_ = end + 2;
    return true;
  }
  bool attributes(bool& self_closing) {
    std::set<std::string> seen;
    while (true) {
      const std::size_t before = pos_;
      skip_space();
      if (at_end()) return fail("unterminated start tag");
      if (starts("/>")) {
        pos_ += 2;
        self_closing = true;
        return true;
      }
      if (text_[pos_] == '>') {
        ++pos_;
        self_closing = false;
        return true;
      }
      if (pos_ == before) return fail("attributes must be separated by white space");
      std::string attribute;
      if (!name(attribute)) return false;
      if (!seen.insert(attribute).second) return fail("attribute '" + attribute + "' twice");
      skip_space();
      if (at_end() || text_[pos_] != '=') return fail("expected '=' after " + attribute);
      ++pos_;
      skip_space();
      if (at_end() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
        return fail("attribute value must be quoted");
      }
      const char quote = text_[pos_++];
      while (true) {
        if (at_end()) return fail("unterminated attribute value");
        const char c = text_[pos_];
        if (c == quote) break;
        if (c == '<') return fail("'<' in attribute value");
        if (c == '&') {
          if (!reference()) return false;
        } else {
          ++pos_;
        }
      }
      ++pos_;
    }
  }
  bool element() {
    std::vector<std::string> open;
    do {
      if (at_end()) return fail("unclosed element <" + open.back() + ">");
      const char c = text_[pos_];
      if (c == '&') {
        if (!reference()) return false;
      } else if (c != '<') {
        ++pos_;
      } else if (starts("<!--") || starts("<?")) {
        if (!misc()) return false;
      } else if (starts("</")) {
        pos_ += 2;
        std::string closing;
        if (!name(closing)) return false;
        skip_space();
        if (at_end() || text_[pos_] != '>') return fail("expected '>' in end tag");
        ++pos_;
        if (open.empty() || open.back() != closing) return fail("mismatched </" + closing + ">");
        open.pop_back();
      } else if (starts("<!")) {
        return fail("DTD and CDATA are not supported");
      } else {
        ++pos_;
        std::string tag;
        if (!name(tag)) return false;
        bool self_closing = false;
        if (!attributes(self_closing)) return false;
        if (open.empty()) root_ = tag;
        if (!self_closing) open.push_back(tag);
      }
    } while (!open.empty());
    return true;
  }
  bool document() {
    bool seen_root = false;
    while (true) {
      skip_space();
      if (at_end()) break;
      if (starts("<!--") || starts("<?")) {
        if (!misc()) return false;
      } else if (text_[pos_] == '<' && !starts("</")) {
        if (seen_root) return fail("more than one root element");
        const std::size_t start = pos_;
        if (!element()) return false;
        seen_root = pos_ > start;
      } else {
        return fail("content outside the root element");
      }
    }
    if (!seen_root) return fail("no root element");
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0, error_at_ = 0;
  std::string message_, root_;
};

}  // namespace lmul_test
