# PD_SONAME(VARIABLE, LIBRARY, DEFAULT, LIBS, CFLAGS, PROLOGUE, BODY)
# -------------------------------------------------------------------
# prontodb opens some libraries with dlopen when it first needs them
# (libedit, libpq, libm) rather than linking them.  Set VARIABLE, and
# AC_SUBST it, to the file name that a program of PROLOGUE and BODY,
# built with CFLAGS and linked with LIBS, records for LIBRARY (its
# soname, what dlopen must load); DEFAULT where that cannot be read.
AC_DEFUN([PD_SONAME], [
AC_MSG_CHECKING([the file name of $2])
pd_save_LIBS=$LIBS
pd_save_CFLAGS=$CFLAGS
LIBS="$4 $LIBS"
CFLAGS="$CFLAGS $5"
$1=$3
AC_LINK_IFELSE([AC_LANG_PROGRAM([$6], [$7])],
	[pd_so=`(objdump -p conftest$EXEEXT || readelf -d conftest$EXEEXT) 2>/dev/null |
	    sed -n 's/.*\($2\.so[[.0-9]]*\).*/\1/p' | sed 1q`
	 test -n "$pd_so" && $1=$pd_so])
CFLAGS=$pd_save_CFLAGS
LIBS=$pd_save_LIBS
AC_MSG_RESULT([$$1])
AC_SUBST([$1])
])
