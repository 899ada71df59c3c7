// cibadmin: query and edit the CIB (see Docs/CIB.md). All logic lives in CRM's `Cibadmin`.
// Every edit is validated against the CIB's declared schema (`CIBSchema`); an invalid result is refused (78).
import CRM
import Glibc

exit(Cibadmin.run(Array(CommandLine.arguments.dropFirst()), validator: CIBSchema()))
