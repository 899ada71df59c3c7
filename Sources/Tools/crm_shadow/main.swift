// crm_shadow: stage CIB changes in a shadow copy (see Docs/CIB.md). All logic lives in CRM's `CrmShadow`.
import CRM
import Glibc

exit(CrmShadow.run(Array(CommandLine.arguments.dropFirst())))
