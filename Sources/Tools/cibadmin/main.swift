// cibadmin: query and edit the CIB (see Docs/CIB.md). All logic lives in CRM's `Cibadmin`.
import CRM
import Glibc

exit(Cibadmin.run(Array(CommandLine.arguments.dropFirst())))
