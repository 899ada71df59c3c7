// crm_attribute: cluster options and permanent node attributes (see Docs/Tools.md). Logic: CRM's `CRMAttribute`.
import CRM
import Glibc

exit(CRMAttribute.run(Array(CommandLine.arguments.dropFirst()), program: CommandLine.arguments.first ?? "crm_attribute"))
