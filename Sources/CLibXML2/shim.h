#ifndef HA_CLIBXML2_SHIM_H
#define HA_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlreader.h>

/* xmlFree is a global function pointer, which Swift 6 sees as shared mutable state; call it through this. */
static inline void ha_xml_free(void *pointer) { xmlFree(pointer); }
#endif
