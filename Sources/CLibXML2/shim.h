#ifndef HA_CLIBXML2_SHIM_H
#define HA_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, and its encoding.h then includes <unicode/ucnv.h>. Those system ICU
   headers clash with Foundation's own ICU module ("UErrorCode has different definitions") in any Swift
   module that sees both. We never touch the ICU-only fields (they sit at the end of
   xmlCharEncodingHandler, which we only hold by pointer), so the shim hides them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlreader.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/dict.h>

/* xmlFree is a global function pointer, which Swift 6 sees as shared mutable state; call it through this. */
static inline void ha_xml_free(void *pointer) { xmlFree(pointer); }
#endif
