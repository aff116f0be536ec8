// The checker the report's SVG test relies on must itself reject broken XML.
#include <gtest/gtest.h>

#include "xml_wellformed.hpp"

namespace {

bool wellformed(const std::string& text) {
  lmul_test::xml_checker checker(text);
  return !checker.error().has_value();
}

TEST(XmlWellformed, AcceptsGoodDocuments) {
  EXPECT_TRUE(wellformed("<svg/>"));
  EXPECT_TRUE(wellformed("<?xml version=\"1.0\"?>\n<!-- c --><svg a='1' b=\"x &amp; y\">"
                         "<g><text>a &lt; b &#60; &#x3c;</text></g><line/></svg>\n"));
}

TEST(XmlWellformed, RejectsBrokenDocuments) {
  EXPECT_FALSE(wellformed(""));
  EXPECT_FALSE(wellformed("<svg>"));                        // unclosed
  EXPECT_FALSE(wellformed("<svg><g></svg></g>"));           // bad nesting
  EXPECT_FALSE(wellformed("<svg></svg><svg></svg>"));       // two roots
  EXPECT_FALSE(wellformed("<svg a=1/>"));                   // unquoted value
  EXPECT_FALSE(wellformed("<svg a=\"1\" a=\"2\"/>"));       // duplicate attribute
  EXPECT_FALSE(wellformed("<svg a=\"1\"b=\"2\"/>"));        // no space between attributes
  EXPECT_FALSE(wellformed("<svg><text>a & b</text></svg>")); // bare &
  EXPECT_FALSE(wellformed("<svg><text>&nbsp;</text></svg>")); // undeclared entity
  EXPECT_FALSE(wellformed("<svg a=\"<\"/>"));               // < in attribute
  EXPECT_FALSE(wellformed("text<svg/>"));                   // content outside root
  EXPECT_FALSE(wellformed("<svg><!-- open </svg>"));        // unterminated comment
}

TEST(XmlWellformed, ReportsTheRoot) {
  lmul_test::xml_checker checker("<?xml version=\"1.0\"?><svg><g/></svg>");
  ASSERT_FALSE(checker.error().has_value());
  EXPECT_EQ(checker.root(), "svg");
}

}  // namespace
