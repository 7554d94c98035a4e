var xe,w,mn,X,ze,gn,vn,Re,ye,de,yn,Be,De,Pe,Se={},we=[],Un=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,Me=Array.isArray;function Y(e,n){for(var r in n)e[r]=n[r];return e}function Ge(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Fn(e,n,r){var s,o,a,i={};for(a in n)a=="key"?s=n[a]:a=="ref"?o=n[a]:i[a]=n[a];if(arguments.length>2&&(i.children=arguments.length>3?xe.call(arguments,2):r),typeof e=="function"&&e.defaultProps!=null)for(a in e.defaultProps)i[a]===void 0&&(i[a]=e.defaultProps[a]);return be(e,i,s,o,null)}function be(e,n,r,s,o){var a={type:e,props:n,key:r,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:o??++mn,__i:-1,__u:0};return o==null&&w.vnode!=null&&w.vnode(a),a}function K(e){return e.children}function ke(e,n){this.props=e,this.context=n}function se(e,n){if(n==null)return e.__?se(e.__,e.__i+1):null;for(var r;n<e.__k.length;n++)if((r=e.__k[n])!=null&&r.__e!=null)return r.__e;return typeof e.type=="function"?se(e):null}function jn(e){if(e.__P&&e.__d){var n=e.__v,r=n.__e,s=[],o=[],a=Y({},n);a.__v=n.__v+1,w.vnode&&w.vnode(a),Ke(e.__P,a,n,e.__n,e.__P.namespaceURI,32&n.__u?[r]:null,s,r??se(n),!!(32&n.__u),o),a.__v=n.__v,a.__.__k[a.__i]=a,Sn(s,a,o),n.__e=n.__=null,a.__e!=r&&bn(a)}}function bn(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(n){if(n!=null&&n.__e!=null)return e.__e=e.__c.base=n.__e}),bn(e)}function Xe(e){(!e.__d&&(e.__d=!0)&&X.push(e)&&!Ce.__r++||ze!=w.debounceRendering)&&((ze=w.debounceRendering)||gn)(Ce)}function Ce(){try{for(var e,n=1;X.length;)X.length>n&&X.sort(vn),e=X.shift(),n=X.length,jn(e)}finally{X.length=Ce.__r=0}}function kn(e,n,r,s,o,a,i,l,u,c,p){var h,d,f,g,T,m,b=s&&s.__k||we,y=n.length;for(u=Hn(r,n,b,u,y),h=0;h<y;h++)(f=r.__k[h])!=null&&(d=f.__i!=-1&&b[f.__i]||Se,f.__i=h,m=Ke(e,f,d,o,a,i,l,u,c,p),g=f.__e,f.ref&&d.ref!=f.ref&&(d.ref&&We(d.ref,null,f),p.push(f.ref,f.__c||g,f)),T==null&&g!=null&&(T=g),4&f.__u?(u=Tn(f,u,e),d.__e&&(d.__e=null)):typeof f.type=="function"&&m!==void 0?u=m:g&&(u=g.nextSibling),f.__u&=-7);return r.__e=T,u}function Hn(e,n,r,s,o){var a,i,l,u,c,p=r.length,h=p,d=0;for(e.__k=new Array(o),a=0;a<o;a++)(i=n[a])!=null&&typeof i!="boolean"&&typeof i!="function"?(typeof i=="string"||typeof i=="number"||typeof i=="bigint"||i.constructor==String?i=e.__k[a]=be(null,i,null,null,null):Me(i)?i=e.__k[a]=be(K,{children:i},null,null,null):i.constructor===void 0&&i.__b>0?i=e.__k[a]=be(i.type,i.props,i.key,i.ref?i.ref:null,i.__v):e.__k[a]=i,u=a+d,i.__=e,i.__b=e.__b+1,l=null,(c=i.__i=qn(i,r,u,h))!=-1&&(h--,(l=r[c])&&(l.__u|=2)),l==null||l.__v==null?(c==-1&&(o>p?d--:o<p&&d++),typeof i.type!="function"&&(i.__u|=4)):c!=u&&(c==u-1?d--:c==u+1?d++:(c>u?d--:d++,i.__u|=4))):e.__k[a]=null;if(h)for(a=0;a<p;a++)(l=r[a])!=null&&(2&l.__u)==0&&(l.__e==s&&(s=se(l)),Cn(l,l));return s}function Tn(e,n,r){var s,o;if(typeof e.type=="function"){for(s=e.__k,o=0;s&&o<s.length;o++)s[o]&&(s[o].__=e,n=Tn(s[o],n,r));return n}e.__e!=n&&(n&&e.type&&!n.parentNode&&(n=se(e)),n=r.insertBefore(e.__e,n||null));do n=n&&n.nextSibling;while(n!=null&&n.nodeType==8);return n}function qn(e,n,r,s){var o,a,i,l=e.key,u=e.type,c=n[r],p=c!=null&&(2&c.__u)==0;if(c===null&&l==null||p&&l==c.key&&u==c.type)return r;if(s>(p?1:0)){for(o=r-1,a=r+1;o>=0||a<n.length;)if((c=n[i=o>=0?o--:a++])!=null&&(2&c.__u)==0&&l==c.key&&u==c.type)return i}return-1}function Ze(e,n,r){n[0]=="-"?e.setProperty(n,r??""):e[n]=r==null?"":typeof r!="number"||Un.test(n)?r:r+"px"}function ge(e,n,r,s,o){var a,i;e:if(n=="style")if(typeof r=="string")e.style.cssText=r;else{if(typeof s=="string"&&(e.style.cssText=s=""),s)for(n in s)r&&n in r||Ze(e.style,n,"");if(r)for(n in r)s&&r[n]==s[n]||Ze(e.style,n,r[n])}else if(n[0]=="o"&&n[1]=="n")a=n!=(n=n.replace(yn,"$1")),i=n.toLowerCase(),n=i in e||n=="onFocusOut"||n=="onFocusIn"?i.slice(2):n.slice(2),e.l||(e.l={}),e.l[n+a]=r,r?s?r[de]=s[de]:(r[de]=Be,e.addEventListener(n,a?Pe:De,a)):e.removeEventListener(n,a?Pe:De,a);else{if(o=="http://www.w3.org/2000/svg")n=n.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(n!="width"&&n!="height"&&n!="href"&&n!="list"&&n!="form"&&n!="tabIndex"&&n!="download"&&n!="rowSpan"&&n!="colSpan"&&n!="role"&&n!="popover"&&n in e)try{e[n]=r??"";break e}catch{}typeof r=="function"||(r==null||r===!1&&n[4]!="-"?e.removeAttribute(n):e.setAttribute(n,n=="popover"&&r==1?"":r))}}function en(e){return function(n){if(this.l){var r=this.l[n.type+e];if(n[ye]==null)n[ye]=Be++;else if(n[ye]<r[de])return;return r(w.event?w.event(n):n)}}}function Ke(e,n,r,s,o,a,i,l,u,c){var p,h,d,f,g,T,m,b,y,O,H,U,J,v,S,R,A=n.type;if(n.constructor!==void 0)return null;128&r.__u&&(u=!!(32&r.__u),a=[l=n.__e=r.__e]),(p=w.__b)&&p(n);e:if(typeof A=="function"){h=i.length;try{if(y=n.props,O=A.prototype&&A.prototype.render,H=(p=A.contextType)&&s[p.__c],U=p?H?H.props.value:p.__:s,r.__c?b=(d=n.__c=r.__c).__=d.__E:(O?n.__c=d=new A(y,U):(n.__c=d=new ke(y,U),d.constructor=A,d.render=Gn),H&&H.sub(d),d.state||(d.state={}),d.__n=s,f=d.__d=!0,d.__h=[],d._sb=[]),O&&d.__s==null&&(d.__s=d.state),O&&A.getDerivedStateFromProps!=null&&(d.__s==d.state&&(d.__s=Y({},d.__s)),Y(d.__s,A.getDerivedStateFromProps(y,d.__s))),g=d.props,T=d.state,d.__v=n,f)O&&A.getDerivedStateFromProps==null&&d.componentWillMount!=null&&d.componentWillMount(),O&&d.componentDidMount!=null&&d.__h.push(d.componentDidMount);else{if(O&&A.getDerivedStateFromProps==null&&y!==g&&d.componentWillReceiveProps!=null&&d.componentWillReceiveProps(y,U),n.__v==r.__v||!d.__e&&d.shouldComponentUpdate!=null&&d.shouldComponentUpdate(y,d.__s,U)===!1){n.__v!=r.__v&&(d.props=y,d.state=d.__s,d.__d=!1),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(_){_&&(_.__=n)}),we.push.apply(d.__h,d._sb),d._sb=[],d.__h.length&&i.push(d),l=se(r);break e}d.componentWillUpdate!=null&&d.componentWillUpdate(y,d.__s,U),O&&d.componentDidUpdate!=null&&d.__h.push(function(){d.componentDidUpdate(g,T,m)})}if(d.context=U,d.props=y,d.__P=e,d.__e=!1,J=w.__r,v=0,O)d.state=d.__s,d.__d=!1,J&&J(n),p=d.render(d.props,d.state,d.context),we.push.apply(d.__h,d._sb),d._sb=[];else do d.__d=!1,J&&J(n),p=d.render(d.props,d.state,d.context),d.state=d.__s;while(d.__d&&++v<25);d.state=d.__s,d.getChildContext!=null&&(s=Y(Y({},s),d.getChildContext())),O&&!f&&d.getSnapshotBeforeUpdate!=null&&(m=d.getSnapshotBeforeUpdate(g,T)),S=p!=null&&p.type===K&&p.key==null?wn(p.props.children):p,l=kn(e,Me(S)?S:[S],n,r,s,o,a,i,l,u,c),d.base=n.__e,n.__u&=-161,d.__h.length&&i.push(d),b&&(d.__E=d.__=null)}catch(_){if(i.length=h,n.__v=null,u||a!=null){if(_.then){for(n.__u|=u?160:128;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;a!=null&&(a[a.indexOf(l)]=null),n.__e=l}else if(a!=null)for(R=a.length;R--;)Ge(a[R])}else n.__e=r.__e;n.__k==null&&(n.__k=r.__k||[]),_.then||$n(n),w.__e(_,n,r)}}else a==null&&n.__v==r.__v?(n.__k=r.__k,n.__e=r.__e):l=n.__e=Bn(r.__e,n,r,s,o,a,i,u,c);return(p=w.diffed)&&p(n),128&n.__u?void 0:l}function $n(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some($n))}function Sn(e,n,r){for(var s=0;s<r.length;s++)We(r[s],r[++s],r[++s]);w.__c&&w.__c(n,e),e.some(function(o){try{e=o.__h,o.__h=[],e.some(function(a){a.call(o)})}catch(a){w.__e(a,o.__v)}})}function wn(e){return typeof e!="object"||e==null||e.__b>0?e:Me(e)?e.map(wn):e.constructor!==void 0?null:Y({},e)}function Bn(e,n,r,s,o,a,i,l,u){var c,p,h,d,f,g,T,m=r.props||Se,b=n.props,y=n.type;if(y=="svg"?o="http://www.w3.org/2000/svg":y=="math"?o="http://www.w3.org/1998/Math/MathML":o||(o="http://www.w3.org/1999/xhtml"),a!=null){for(c=0;c<a.length;c++)if((f=a[c])&&"setAttribute"in f==!!y&&(y?f.localName==y:f.nodeType==3)){e=f,a[c]=null;break}}if(e==null){if(y==null)return document.createTextNode(b);e=document.createElementNS(o,y,b.is&&b),l&&(w.__m&&w.__m(n,a),l=!1),a=null}if(y==null)m===b||l&&e.data==b||(e.data=b);else{if(a=y=="textarea"&&b.defaultValue!=null?null:a&&xe.call(e.childNodes),!l&&a!=null)for(m={},c=0;c<e.attributes.length;c++)m[(f=e.attributes[c]).name]=f.value;for(c in m)f=m[c],c=="dangerouslySetInnerHTML"?h=f:c=="children"||c in b||c=="value"&&"defaultValue"in b||c=="checked"&&"defaultChecked"in b||ge(e,c,null,f,o);for(c in b)f=b[c],c=="children"?d=f:c=="dangerouslySetInnerHTML"?p=f:c=="value"?g=f:c=="checked"?T=f:l&&typeof f!="function"||m[c]===f||ge(e,c,f,m[c],o);if(p)l||h&&(p.__html==h.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),n.__k=[];else if(h&&(e.innerHTML=""),kn(n.type=="template"?e.content:e,Me(d)?d:[d],n,r,s,y=="foreignObject"?"http://www.w3.org/1999/xhtml":o,a,i,a?a[0]:r.__k&&se(r,0),l,u),a!=null)for(c=a.length;c--;)Ge(a[c]);l&&y!="textarea"||(c="value",y=="progress"&&g==null?e.removeAttribute("value"):g!=null&&(g!==e[c]||y=="progress"&&!g||y=="option"&&g!=m[c])&&ge(e,c,g,m[c],o),c="checked",T!=null&&T!=e[c]&&ge(e,c,T,m[c],o))}return e}function We(e,n,r){try{if(typeof e=="function"){var s=typeof e.__u=="function";s&&e.__u(),s&&n==null||(e.__u=e(n))}else e.current=n}catch(o){w.__e(o,r)}}function Cn(e,n,r){var s,o;if(w.unmount&&w.unmount(e),(s=e.ref)&&(s.current&&s.current!=e.__e||We(s,null,n)),(s=e.__c)!=null){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(a){w.__e(a,n)}s.base=s.__P=s.__n=null}if(s=e.__k)for(o=0;o<s.length;o++)s[o]&&Cn(s[o],n,r||typeof e.type!="function");r||Ge(e.__e),e.__c=e.__=e.__e=void 0}function Gn(e,n,r){return this.constructor(e,r)}function Kn(e,n,r){var s,o,a,i;n==document&&(n=document.documentElement),w.__&&w.__(e,n),o=(s=!1)?null:n.__k,a=[],i=[],Ke(n,e=n.__k=Fn(K,null,[e]),o||Se,Se,n.namespaceURI,o?null:n.firstChild?xe.call(n.childNodes):null,a,o?o.__e:n.firstChild,s,i),Sn(a,e,i),e.props.children=null}xe=we.slice,w={__e:function(e,n,r,s){for(var o,a,i;n=n.__;)if((o=n.__c)&&!o.__)try{if((a=o.constructor)&&a.getDerivedStateFromError!=null&&(o.setState(a.getDerivedStateFromError(e)),i=o.__d),o.componentDidCatch!=null&&(o.componentDidCatch(e,s||{}),i=o.__d),i)return o.__E=o}catch(l){e=l}throw e}},mn=0,ke.prototype.setState=function(e,n){var r;r=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=Y({},this.state),typeof e=="function"&&(e=e(Y({},r),this.props)),e&&Y(r,e),e!=null&&this.__v&&(n&&this._sb.push(n),Xe(this))},ke.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),Xe(this))},ke.prototype.render=K,X=[],gn=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,vn=function(e,n){return e.__v.__b-n.__v.__b},Ce.__r=0,Re=Math.random().toString(8),ye="__d"+Re,de="__a"+Re,yn=/(PointerCapture)$|Capture$/i,Be=0,De=en(!1),Pe=en(!0);var Wn=0;function t(e,n,r,s,o,a){n||(n={});var i,l,u=n;if("ref"in u)for(l in u={},n)l=="ref"?i=n[l]:u[l]=n[l];var c={type:e,props:u,key:r,ref:i,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Wn,__i:-1,__u:0,__source:o,__self:a};if(typeof e=="function"&&(i=e.defaultProps))for(l in i)u[l]===void 0&&(u[l]=i[l]);return w.vnode&&w.vnode(c),c}var le,C,Ae,nn,ue=0,In=[],x=w,tn=x.__b,rn=x.__r,sn=x.diffed,an=x.__c,on=x.unmount,ln=x.__;function Le(e,n){x.__h&&x.__h(C,e,ue||n),ue=0;var r=C.__H||(C.__H={__:[],__h:[]});return e>=r.__.length&&r.__.push({}),r.__[e]}function M(e){return ue=1,Jn(En,e)}function Jn(e,n,r){var s=Le(le++,2);if(s.t=e,!s.__c&&(s.__=[En(void 0,n),function(l){var u=s.__N?s.__N[0]:s.__[0],c=s.t(u,l);u!==c&&(s.__N=[c,s.__[1]],s.__c.setState({}))}],s.__c=C,!C.__f)){var o=function(l,u,c){if(!s.__c.__H)return!0;var p=!1,h=s.__c.props!==l;if(s.__c.__H.__.some(function(f){if(f.__N){p=!0;var g=f.__[0];f.__=f.__N,f.__N=void 0,g!==f.__[0]&&(h=!0)}}),a){var d=a.call(this,l,u,c);return p?d||h:d}return!p||h};C.__f=!0;var a=C.shouldComponentUpdate,i=C.componentWillUpdate;C.componentWillUpdate=function(l,u,c){if(this.__e){var p=a;a=void 0,o(l,u,c),a=p}i&&i.call(this,l,u,c)},C.shouldComponentUpdate=o}return s.__N||s.__}function ee(e,n){var r=Le(le++,3);!x.__s&&Je(r.__H,n)&&(r.__=e,r.u=n,C.__H.__h.push(r))}function Yn(e,n){var r=Le(le++,4);!x.__s&&Je(r.__H,n)&&(r.__=e,r.u=n,C.__h.push(r))}function he(e){return ue=5,pe(function(){return{current:e}},[])}function pe(e,n){var r=Le(le++,7);return Je(r.__H,n)&&(r.__=e(),r.__H=n,r.__h=e),r.__}function Vn(e,n){return ue=8,pe(function(){return e},n)}function Qn(){for(var e;e=In.shift();){var n=e.__H;if(e.__P&&n)try{n.__h.some(Te),n.__h.some(Ue),n.__h=[]}catch(r){n.__h=[],x.__e(r,e.__v)}}}x.__b=function(e){C=null,tn&&tn(e)},x.__=function(e,n){e&&n.__k&&n.__k.__m&&(e.__m=n.__k.__m),ln&&ln(e,n)},x.__r=function(e){rn&&rn(e),le=0;var n=(C=e.__c).__H;n&&(Ae===C?(n.__h=[],C.__h=[],n.__.some(function(r){r.__N&&(r.__=r.__N),r.u=r.__N=void 0})):(n.__h.some(Te),n.__h.some(Ue),n.__h=[],le=0)),Ae=C},x.diffed=function(e){sn&&sn(e);var n=e.__c;n&&n.__H&&(n.__H.__h.length&&(In.push(n)!==1&&nn===x.requestAnimationFrame||((nn=x.requestAnimationFrame)||zn)(Qn)),n.__H.__.some(function(r){r.u&&(r.__H=r.u,r.u=void 0)})),Ae=C=null},x.__c=function(e,n){n.some(function(r){try{r.__h.some(Te),r.__h=r.__h.filter(function(s){return!s.__||Ue(s)})}catch(s){n.some(function(o){o.__h&&(o.__h=[])}),n=[],x.__e(s,r.__v)}}),an&&an(e,n)},x.unmount=function(e){on&&on(e);var n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(s){try{Te(s)}catch(o){n=o}}),r.__H=void 0,n&&x.__e(n,r.__v))};var cn=typeof requestAnimationFrame=="function";function zn(e){var n,r=function(){clearTimeout(s),cn&&cancelAnimationFrame(n),setTimeout(e)},s=setTimeout(r,35);cn&&(n=requestAnimationFrame(r))}function Te(e){var n=C,r=e.__c;typeof r=="function"&&(e.__c=void 0,r()),C=n}function Ue(e){var n=C;e.__c=e.__(),C=n}function Je(e,n){return!e||e.length!==n.length||n.some(function(r,s){return r!==e[s]})}function En(e,n){return typeof n=="function"?n(e):n}const Fe="telemetry.apiKey",Xn="/graphql",Zn="/graphql/ws";class xn extends Error{constructor(n,r){super(r?"The API key was refused: it is wrong or has been revoked.":"This server needs an API key."),this.status=n,this.hadKey=r}status;hadKey}const je=new Set;function et(e){return je.add(e),()=>je.delete(e)}function Ye(){try{return localStorage.getItem(Fe)}catch{return null}}function Mn(e){e?localStorage.setItem(Fe,e):localStorage.removeItem(Fe)}async function Oe(e,n={}){const r=Ye(),s={"content-type":"application/json"};r&&(s.authorization=`Bearer ${r}`);const o=await fetch(Xn,{method:"POST",headers:s,body:JSON.stringify({query:e,variables:n})});if(o.status===401||o.status===403){const i=new xn(o.status,r!==null);throw je.forEach(l=>l(i)),i}const a=await o.json().catch(()=>null);if(!a)throw new Error(`The server answered ${o.status} without a GraphQL response.`);if(a.errors?.length)throw new Error(a.errors.map(i=>i.message).join("; "));return a.data}function nt(e,n,r){const s=`${location.protocol==="https:"?"wss":"ws"}://${location.host}${Zn}`,o=new WebSocket(s,"graphql-transport-ws"),a=Ye();let i=!1;return r("connecting"),o.onopen=()=>{o.send(JSON.stringify({type:"connection_init",payload:a?{Authorization:`Bearer ${a}`}:{}}))},o.onmessage=l=>{const u=JSON.parse(l.data);switch(u.type){case"connection_ack":r("open"),o.send(JSON.stringify({id:"live",type:"subscribe",payload:{query:e}}));break;case"next":u.payload?.data&&n(u.payload.data);break;case"ping":o.send(JSON.stringify({type:"pong"}));break;case"error":r("closed",JSON.stringify(u.payload));break}},o.onclose=l=>{i||r("closed",l.code===4403?"the API key was refused":l.reason||`closed (${l.code})`)},()=>{i=!0,o.close()}}function tt(e){const n=e.split("/").filter(Boolean).map(decodeURIComponent);return n.length===0?{view:"traces"}:n[0]==="traces"&&n.length===2?{view:"trace",id:n[1]}:n[0]==="sessions"&&n.length===1?{view:"sessions"}:n[0]==="sessions"&&n.length===2?{view:"session",id:n[1]}:n[0]==="dashboard"&&n.length===1?{view:"dashboard"}:{view:"missing"}}const Ie=new Set;window.addEventListener("popstate",()=>Ie.forEach(e=>e()));function L(e,n=!1){e!==location.pathname+location.search&&(n?history.replaceState(null,"",e):history.pushState(null,"",e),Ie.forEach(r=>r()))}function me(){const[,e]=M(0);return ee(()=>{const n=()=>e(r=>r+1);return Ie.add(n),()=>{Ie.delete(n)}},[]),{path:location.pathname,params:new URLSearchParams(location.search)}}function D(e){return n=>{n.button!==0||n.metaKey||n.ctrlKey||n.shiftKey||n.altKey||(n.preventDefault(),L(e))}}function rt({error:e,onKey:n}){const[r,s]=M("");return t("form",{class:"key-prompt card",onSubmit:o=>{o.preventDefault(),r.trim()&&n(r.trim())},children:[t("h2",{children:"API key"}),t("p",{class:e.hadKey?"alert":"muted",role:e.hadKey?"alert":void 0,id:"auth-message",children:e.message}),t("p",{class:"muted",children:["The key decides which project you see. It is kept in this browser only (“Forget key” removes it) and sent to this server alone, as ",t("code",{children:"Authorization"}),". Create one with ",t("code",{children:"telemetry-api keys create --project NAME"}),"."]}),t("input",{id:"api-key",type:"password",autocomplete:"off",placeholder:"API key",value:r,onInput:o=>s(o.target.value),autoFocus:!0}),t("button",{type:"submit",class:"primary",children:"Use this key"})]})}const st=`# The trace list: one page of traces matching the filters.
query TraceList($filter: TraceFilterInput, $orderBy: TraceOrderBy!, $first: Int, $after: String) {
  traces(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...TraceRow
    }
  }
}

fragment TraceRow on Trace {
  id
  name
  startTime
  durationMs
  spanCount
  inputTokens
  outputTokens
  totalCost
  hasError
  incomplete
  userId
  sessionId
  tags
  environment
  release
  scores {
    id
    name
    value
    label
    passed
  }
}
`,at=`# One trace as a row of the list (the live switch prepends it).
query TraceRowById($id: String!) {
  trace(id: $id) {
    id
    name
    startTime
    durationMs
    spanCount
    inputTokens
    outputTokens
    totalCost
    hasError
    incomplete
    userId
    sessionId
    tags
    environment
    release
    scores {
      id
      name
      value
      label
      passed
    }
  }
}
`,ot=`# The live tail: every span of the project as it is committed.
subscription LiveSpans {
  spans {
    traceId
    spanId
    parentSpanId
  }
}
`,lt=`# One trace with every span and its subtree totals, for the tree and the waterfall.
query TraceView($id: String!) {
  trace(id: $id) {
    id
    name
    serviceName
    startTime
    endTime
    durationMs
    hasError
    incomplete
    userId
    sessionId
    environment
    release
    tags
    spanCount
    inputTokens
    outputTokens
    totalTokens
    totalCost
    spans {
      spanId
      parentSpanId
      name
      type
      startTime
      durationMs
      status
      isError
      model
      subtreeStatus
      subtree {
        spanCount
        erroredDescendants
        inputTokens
        outputTokens
        totalTokens
        cost
      }
    }
    scores {
      id
      name
      value
      label
      passed
      spanId
      source
    }
  }
}
`,it=`# One span in full, for the detail panel.
query SpanDetail($traceId: String!, $spanId: String!) {
  span(traceId: $traceId, spanId: $spanId) {
    traceId
    spanId
    parentSpanId
    name
    type
    serviceName
    startTime
    endTime
    durationMs
    status
    isError
    subtreeStatus
    endedByDrop
    model
    provider
    cost
    usage {
      inputTokens
      outputTokens
      totalTokens
      cacheReadTokens
      cacheWriteTokens
      reasoningTokens
    }
    input
    output
    metadata
    attributes
    error {
      kind
      message
      sourceChain
      retryable
      category
    }
    events {
      name
      time
      attributes
    }
    erroredDescendants {
      spanId
      name
      type
      isError
    }
    subtree {
      spanCount
      erroredDescendants
      inputTokens
      outputTokens
      cacheReadTokens
      cacheWriteTokens
      reasoningTokens
      totalTokens
      cost
    }
    scores {
      id
      name
      dataType
      value
      label
      passed
      source
      evaluator
      comment
      createdAt
    }
  }
}
`,ct=`# Adds a score from the detail panel.
mutation CreateScore($input: CreateScoreInput!) {
  createScore(input: $input) {
    id
  }
}
`,dt=`# Removes a score from the detail panel.
mutation DeleteScore($id: ID!) {
  deleteScore(id: $id)
}
`,ut=`# The session list.
query SessionList($time: TimeRangeInput, $first: Int, $after: String) {
  sessions(time: $time, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      traceCount
      firstTime
      lastTime
      totalTokens
      totalCost
      hasError
    }
  }
}
`,ht=`# One session as the conversation it was: its traces, oldest first, with their roots' input and output.
query SessionView($id: String!, $first: Int, $after: String) {
  session(id: $id) {
    id
    traceCount
    firstTime
    lastTime
    totalTokens
    totalCost
    hasError
    traces(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        startTime
        durationMs
        hasError
        totalTokens
        totalCost
        userId
        rootSpans {
          spanId
          input
          output
          isError
          error {
            message
          }
        }
      }
    }
  }
}
`,pt=`# The dashboard over a time range, bucketed.
query Dashboard($time: TimeRangeInput, $bucketSeconds: Int) {
  series: analytics(time: $time, bucketSeconds: $bucketSeconds) {
    traceCounts {
      bucket
      traces
      errors
      errorRate
    }
    usage(groupBy: [MODEL]) {
      bucket
      group {
        model
      }
      totalTokens
      cost
    }
  }
  totals: analytics(time: $time) {
    byType: latency(groupBy: [SPAN_TYPE]) {
      group {
        spanType
      }
      count
      avgMs
      quantiles {
        q
        ms
      }
    }
    byModel: latency(groupBy: [MODEL]) {
      group {
        model
      }
      count
      avgMs
      quantiles {
        q
        ms
      }
    }
    usage(groupBy: [MODEL, PROVIDER]) {
      group {
        model
        provider
      }
      calls
      inputTokens
      outputTokens
      cacheReadTokens
      reasoningTokens
      totalTokens
      cost
    }
  }
  evals(time: $time, bucketSeconds: $bucketSeconds) {
    series(by: EVALUATOR) {
      bucket
      name
      evaluator
      count
      avg
      passRate
    }
  }
}
`,_t=`# The distribution of one score name on the dashboard.
query ScoreDistribution($time: TimeRangeInput, $name: String!) {
  evals(time: $time) {
    distribution(name: $name, bins: 10) {
      histogram {
        lower
        upper
        count
      }
      labels {
        label
        count
      }
      passed
      failed
    }
  }
}
`,ft=`# Models and providers seen, offered as suggestions in the trace filters.
query FilterOptions {
  analytics {
    usage(groupBy: [MODEL, PROVIDER]) {
      group {
        model
        provider
      }
    }
  }
}
`,j={traceList:st,traceRow:at,live:ot,trace:lt,span:it,createScore:ct,deleteScore:dt,sessions:ut,session:ht,dashboard:pt,scoreDistribution:_t,filterOptions:ft};function ne(e,n,r=!1){const[s,o]=M({data:null,error:null,loading:!r}),[a,i]=M(0),l=JSON.stringify(n),u=he(0);ee(()=>{if(r)return;const p=++u.current;o(h=>({...h,loading:!0})),Oe(e,n).then(h=>p===u.current&&o({data:h,error:null,loading:!1}),h=>p===u.current&&o(d=>({data:h instanceof xn?null:d.data,error:h.message,loading:!1})))},[e,l,a,r]);const c=Vn(()=>i(p=>p+1),[]);return{...s,reload:c}}const mt=["AGENT_RUN","WORKFLOW_RUN","WORKFLOW_STEP","LLM_GENERATION","TOOL_CALL","MCP_TOOL_CALL","MEMORY_LOOKUP","MEMORY_UPDATE","RAG_QUERY","EMBEDDING_GENERATION","EVAL_EXECUTION","GENERIC"],ie={AGENT_RUN:"agent",WORKFLOW_RUN:"workflow",WORKFLOW_STEP:"step",LLM_GENERATION:"llm",TOOL_CALL:"tool",MCP_TOOL_CALL:"mcp",MEMORY_LOOKUP:"memory",MEMORY_UPDATE:"mem write",RAG_QUERY:"rag",EMBEDDING_GENERATION:"embed",EVAL_EXECUTION:"eval",GENERIC:"span"},_e={AGENT_RUN:"#6d5dfc",WORKFLOW_RUN:"#3b82f6",WORKFLOW_STEP:"#60a5fa",LLM_GENERATION:"#22a06b",TOOL_CALL:"#e8a317",MCP_TOOL_CALL:"#d97706",MEMORY_LOOKUP:"#0ea5b7",MEMORY_UPDATE:"#0891b2",RAG_QUERY:"#c026d3",EMBEDDING_GENERATION:"#a855f7",EVAL_EXECUTION:"#db2777",GENERIC:"#8a94a6"};function gt(e){return(e??"generic").toUpperCase()}function W(e){return e==null?"—":e===0?"0":e<1?`${e.toFixed(2)} ms`:e<1e3?`${Math.round(e)} ms`:e<6e4?`${(e/1e3).toFixed(2)} s`:`${(e/6e4).toFixed(1)} min`}function G(e){return e==null?"—":e===0?"$0":e<5e-6?"<$0.00001":e<.01?`$${e.toFixed(5)}`:`$${e.toFixed(2)}`}function N(e){return e==null?"—":e.toLocaleString("en-US")}function V(e){if(!e)return"—";const n=new Date(e),r=(s,o=2)=>String(s).padStart(o,"0");return`${n.getFullYear()}-${r(n.getMonth()+1)}-${r(n.getDate())} ${r(n.getHours())}:${r(n.getMinutes())}:${r(n.getSeconds())}`}function vt(e){const n=(Date.now()-new Date(e).getTime())/1e3;return n<60?`${Math.max(0,Math.round(n))}s ago`:n<3600?`${Math.round(n/60)}m ago`:n<86400?`${Math.round(n/3600)}h ago`:`${Math.round(n/86400)}d ago`}function Ve(e){return e.value!==null&&e.value!==void 0?`${e.name} ${Number(e.value.toFixed(3))}`:e.label?`${e.name}: ${e.label}`:e.passed!==null&&e.passed!==void 0?`${e.name} ${e.passed?"✓":"✗"}`:e.name}function yt(e){return e.length>12?`${e.slice(0,8)}…`:e}function He(e){const n=new Date(e),r=s=>String(s).padStart(2,"0");return`${n.getFullYear()}-${r(n.getMonth()+1)}-${r(n.getDate())}T${r(n.getHours())}:${r(n.getMinutes())}`}const Ln=[["15m","Last 15 minutes",900],["1h","Last hour",3600],["24h","Last 24 hours",86400],["7d","Last 7 days",7*86400],["30d","Last 30 days",30*86400]],bt=[["START_TIME_DESC","Newest first"],["START_TIME_ASC","Oldest first"],["DURATION_DESC","Longest first"],["COST_DESC","Most expensive first"]];function kt(e){const n=Ln.find(([a])=>a===e.get("range"));if(n)return{from:new Date(Date.now()-n[2]*1e3).toISOString()};const r=e.get("from"),s=e.get("to");if(!r&&!s)return;const o={};return r&&(o.from=new Date(r).toISOString()),s&&(o.to=new Date(s).toISOString()),o}function Tt(e){const n={},r=(i,l)=>{const u=e.get(i)?.trim();u&&(n[l]=u)},s=(i,l)=>{const u=Number(e.get(i));e.get(i)&&Number.isFinite(u)&&(n[l]=u)},o=kt(e);o&&(n.time=o),r("q","nameContains"),r("type","spanType"),r("model","model"),r("provider","provider"),r("user","userId"),r("session","sessionId"),r("env","environment"),r("release","release"),s("minDuration","minDurationMs"),s("minCost","minCost"),e.get("errors")==="1"&&(n.hasError=!0);const a=(e.get("tag")??"").split(",").map(i=>i.trim()).filter(Boolean);return a.length&&(n.tags=a),n}function F(e,n){const r=new URLSearchParams(e);for(const[o,a]of Object.entries(n))a===null||a===""?r.delete(o):r.set(o,a);"after"in n||r.delete("after");const s=r.toString();return s?`/?${s}`:"/"}function On(e){const n=he(e);n.current=e,ee(()=>{const r=s=>{const o=s.target,a=o.tagName==="INPUT"||o.tagName==="TEXTAREA"||o.tagName==="SELECT";if(s.key==="Escape"&&a&&o.blur(),a||s.metaKey||s.ctrlKey||s.altKey)return;if(s.key==="/"){const l=document.getElementById("search");l&&(s.preventDefault(),l.focus());return}const i=n.current[s.key];i&&(s.preventDefault(),i())};return window.addEventListener("keydown",r),()=>window.removeEventListener("keydown",r)},[])}const $t=25;function q(e){const{label:n,param:r,params:s}=e;return t("label",{class:"filter",children:[t("span",{children:n}),t("input",{id:e.id,name:r,type:e.type??"text",list:e.list,placeholder:e.placeholder,value:s.get(r)??"",onChange:o=>L(F(s,{[r]:o.target.value}))})]})}function St({params:e,options:n}){const r=[...new Set(n?.analytics.usage.map(i=>i.group.model).filter(Boolean))],s=[...new Set(n?.analytics.usage.map(i=>i.group.provider).filter(Boolean))],o=!e.get("range")&&(e.get("from")||e.get("to")),a=[...e.keys()].some(i=>i!=="after"&&i!=="order"&&i!=="live");return t("div",{class:"filters card",children:[t("label",{class:"filter grow",children:[t("span",{children:"Name"}),t("input",{id:"search",name:"q",type:"search",placeholder:"Search trace names…  ( / )",value:e.get("q")??"",onChange:i=>L(F(e,{q:i.target.value}))})]}),t("label",{class:"filter",children:[t("span",{children:"Time"}),t("select",{name:"range",value:e.get("range")??(o?"custom":""),onChange:i=>{const l=i.target.value;L(F(e,l==="custom"?{range:null,from:He(Date.now()-36e5)}:{range:l,from:null,to:null}))},children:[t("option",{value:"",children:"All time"}),Ln.map(([i,l])=>t("option",{value:i,children:l})),t("option",{value:"custom",children:"Custom…"})]})]}),o&&t(q,{label:"From",param:"from",type:"datetime-local",params:e}),o&&t(q,{label:"To",param:"to",type:"datetime-local",params:e}),t("label",{class:"filter",children:[t("span",{children:"Span type"}),t("select",{name:"type",value:e.get("type")??"",onChange:i=>L(F(e,{type:i.target.value})),children:[t("option",{value:"",children:"Any"}),mt.map(i=>t("option",{value:i,children:ie[i]}))]})]}),t(q,{label:"Model",param:"model",list:"models",params:e}),t(q,{label:"Provider",param:"provider",list:"providers",params:e}),t(q,{label:"User",param:"user",params:e}),t(q,{label:"Session",param:"session",params:e}),t(q,{label:"Tags",param:"tag",placeholder:"a,b",params:e}),t(q,{label:"Environment",param:"env",params:e}),t(q,{label:"Release",param:"release",params:e}),t(q,{label:"Min ms",param:"minDuration",type:"number",params:e}),t(q,{label:"Min $",param:"minCost",type:"number",params:e}),t("label",{class:"filter check",children:[t("input",{type:"checkbox",name:"errors",checked:e.get("errors")==="1",onChange:i=>L(F(e,{errors:i.target.checked?"1":null}))}),t("span",{children:"Errored only"})]}),a&&t("button",{class:"ghost",onClick:()=>L(F(new URLSearchParams,{order:e.get("order")})),children:"Clear filters"}),t("datalist",{id:"models",children:r.map(i=>t("option",{value:i}))}),t("datalist",{id:"providers",children:s.map(i=>t("option",{value:i}))})]})}function wt({scores:e}){return t("span",{class:"chips",children:e.map(n=>t("span",{class:`chip score ${n.passed===!1?"bad":""}`,title:n.name,children:Ve(n)},n.id))})}function Ct(e,n){const[r,s]=M("off"),o=he(n);return o.current=n,ee(()=>{if(!e){s("off");return}const a=new Set,i=setInterval(()=>{for(const u of a)Oe(j.traceRow,{id:u}).then(c=>c.trace&&o.current(c.trace),()=>{});a.clear()},700),l=nt(j.live,u=>a.add(u.spans.traceId),(u,c)=>s(c?`${u}: ${c}`:u));return()=>{clearInterval(i),l()}},[e]),r}function It(){const{params:e}=me(),n=e.get("order")??"START_TIME_DESC",r=e.get("after"),s=Tt(e),o={filter:s,orderBy:n,first:$t,after:r},a=ne(j.traceList,o),i=ne(j.filterOptions,{}),l=e.get("live")==="1"&&!r,[u,c]=M([]),[p,h]=M(0);ee(()=>c([]),[JSON.stringify(o)]);const d=Object.keys(s).length>0,f=Ct(l,m=>{d?a.reload():c(b=>[m,...b.filter(y=>y.id!==m.id)])}),g=pe(()=>{const m=a.data?.traces.nodes??[],b=new Set(u.map(y=>y.id));return[...u,...m.filter(y=>!b.has(y.id))]},[a.data,u]);On({j:()=>h(m=>Math.min(m+1,g.length-1)),k:()=>h(m=>Math.max(m-1,0)),Enter:()=>g[p]&&L(`/traces/${g[p].id}`)});const T=a.data?.traces.pageInfo;return t("div",{class:"page",children:[t("div",{class:"page-head",children:[t("h1",{children:"Traces"}),t("div",{class:"spacer"}),t("label",{class:"filter inline",children:[t("span",{children:"Sort"}),t("select",{name:"order",value:n,onChange:m=>L(F(e,{order:m.target.value})),children:bt.map(([m,b])=>t("option",{value:m,children:b}))})]}),t("label",{class:`live-switch ${l?"on":""}`,title:r?"Live shows new traces on the first page":f,children:[t("input",{type:"checkbox",id:"live",checked:l,disabled:!!r,onChange:m=>L(F(e,{live:m.target.checked?"1":null,after:r}),!0)}),t("span",{class:"dot"})," Live ",l&&t("small",{class:"muted",children:["(",f,")"]})]})]}),t(St,{params:e,options:i.data}),a.error&&t("div",{class:"alert",children:a.error}),t("div",{class:"card table-wrap",children:[t("table",{class:"traces","data-loading":a.loading?"1":"0",children:[t("thead",{children:t("tr",{children:[t("th",{}),t("th",{children:"Name"}),t("th",{children:"Start"}),t("th",{class:"num",children:"Duration"}),t("th",{class:"num",children:"Spans"}),t("th",{class:"num",children:"In tokens"}),t("th",{class:"num",children:"Out tokens"}),t("th",{class:"num",children:"Cost"}),t("th",{children:"Scores"}),t("th",{children:"User"}),t("th",{children:"Session"}),t("th",{children:"Tags"}),t("th",{children:"Env"})]})}),t("tbody",{children:g.map((m,b)=>t("tr",{"data-trace-id":m.id,class:`${b===p?"selected":""} ${m.hasError?"errored":""}`,onClick:y=>{y.target.closest("a")||L(`/traces/${m.id}`)},children:[t("td",{class:"status-cell",children:m.hasError?t("span",{class:"err-mark",title:"A span failed",children:"●"}):t("span",{class:"ok-mark",children:"●"})}),t("td",{class:"name",children:[t("a",{href:`/traces/${m.id}`,onClick:D(`/traces/${m.id}`),children:m.name??t("span",{class:"muted",children:yt(m.id)})}),m.incomplete&&t("span",{class:"chip",children:"incomplete"})]}),t("td",{class:"mono",children:V(m.startTime)}),t("td",{class:"num",children:W(m.durationMs)}),t("td",{class:"num","data-col":"spans",children:m.spanCount}),t("td",{class:"num","data-col":"in",children:N(m.inputTokens)}),t("td",{class:"num","data-col":"out",children:N(m.outputTokens)}),t("td",{class:"num","data-col":"cost",children:G(m.totalCost)}),t("td",{children:t(wt,{scores:m.scores})}),t("td",{children:m.userId&&t("a",{href:F(e,{user:m.userId}),onClick:D(F(e,{user:m.userId})),children:m.userId})}),t("td",{children:m.sessionId&&t("a",{href:`/sessions/${encodeURIComponent(m.sessionId)}`,onClick:D(`/sessions/${encodeURIComponent(m.sessionId)}`),children:m.sessionId})}),t("td",{children:t("span",{class:"chips",children:m.tags.map(y=>t("span",{class:"chip",children:y}))})}),t("td",{children:m.environment})]},m.id))})]}),!a.loading&&g.length===0&&t("div",{class:"empty",children:"No traces match these filters."})]}),t("div",{class:"pager",children:[t("button",{disabled:!r,onClick:()=>L(F(e,{after:null})),children:"← First page"}),t("span",{class:"muted",children:a.loading?"Loading…":`${g.length} shown`}),t("button",{id:"next-page",disabled:!T?.hasNextPage,onClick:()=>T?.endCursor&&L(F(e,{after:T.endCursor})),children:"Next page →"})]})]})}function Et(e){const n=new Map;let r=1/0,s=-1/0;for(const l of e){const u=new Date(l.startTime).getTime();r=Math.min(r,u),s=Math.max(s,u+(l.durationMs??0)),n.set(l.spanId,{span:l,start:u,children:[],depth:0,parent:null})}const o=[];for(const l of n.values()){const u=l.span.parentSpanId?n.get(l.span.parentSpanId):void 0;u?(l.parent=u,u.children.push(l)):o.push(l)}const a=(l,u)=>l.start-u.start;o.sort(a);const i=[...o];for(;i.length;){const l=i.pop();l.children.sort(a);for(const u of l.children)u.depth=l.depth+1,i.push(u)}return Number.isFinite(r)||(r=s=0),{roots:o,byId:n,start:r,end:s}}function xt(e,n){const r=[],s=[...e].reverse();for(;s.length;){const o=s.pop();if(r.push({node:o,depth:o.depth}),!n.has(o.span.spanId))for(let a=o.children.length-1;a>=0;a--)s.push(o.children[a])}return r}function Mt(e){const n=[...e.children].reverse();for(;n.length;){const r=n.pop();if(r.span.isError&&r.span.subtree.erroredDescendants===0)return r;for(let s=r.children.length-1;s>=0;s--)n.push(r.children[s])}return null}function Rn(e,n,r){if(e!==null&&typeof e=="object"){const s=Array.isArray(e)?e.map((o,a)=>[String(a),o]):Object.entries(e);s.length===0&&r.push([n,Array.isArray(e)?"[]":"{}"]);for(const[o,a]of s)Rn(a,n?`${n}.${o}`:o,r)}else r.push([n,JSON.stringify(e)])}function Lt({value:e}){return t("span",{class:`json-${e===null?"null":typeof e}`,children:JSON.stringify(e)})}function An({name:e,value:n,depth:r}){const[s,o]=M(r<2),a=e!==null?t("span",{class:"json-key",children:[e,": "]}):null;if(n===null||typeof n!="object")return t("div",{class:"json-row",children:[a,t(Lt,{value:n})]});const i=Array.isArray(n)?n.map((c,p)=>[String(p),c]):Object.entries(n),[l,u]=Array.isArray(n)?["[","]"]:["{","}"];return i.length===0?t("div",{class:"json-row",children:[a,t("span",{class:"json-punct",children:l+u})]}):t("div",{class:"json-node",children:[t("div",{class:"json-row json-toggle",onClick:()=>o(!s),children:[t("span",{class:"caret",children:s?"▾":"▸"}),a,t("span",{class:"json-punct",children:s?l:`${l} ${i.length} ${Array.isArray(n)?"items":"keys"} ${u}`})]}),s&&t("div",{class:"json-children",children:[i.map(([c,p])=>t(An,{name:c,value:p,depth:r+1},c)),t("div",{class:"json-punct",children:u})]})]})}function Z({value:e,label:n,searchable:r=!1}){const[s,o]=M(""),a=s.trim().toLowerCase();let i;if(a){const l=[];Rn(e,"",l);const u=l.filter(([c,p])=>c.toLowerCase().includes(a)||p.toLowerCase().includes(a));i=u.length?u.map(([c,p])=>t("div",{class:"json-row",children:[t("span",{class:"json-key",children:[c,": "]}),t("span",{children:p})]},c)):t("div",{class:"muted",children:["No key or value contains “",s,"”."]})}else i=t(An,{name:null,value:e,depth:0});return t("div",{class:"json-tree","data-label":n,children:[r&&t("input",{class:"json-search",placeholder:`Search ${n??"JSON"}…`,value:s,onInput:l=>o(l.target.value)}),i]})}function Nn({messages:e}){return t("div",{class:"conversation",children:e.map((n,r)=>t("div",{class:`bubble role-${n.role}`,children:[t("div",{class:"bubble-role",children:n.role}),n.text.map((s,o)=>t("div",{class:"bubble-text",children:s},o)),n.toolCalls.map((s,o)=>t("div",{class:"tool-call",children:[t("div",{class:"tool-call-head",children:["⚙ ",s.name,s.id&&t("span",{class:"muted",children:[" · ",s.id]})]}),t(Z,{value:s.arguments})]},`c${o}`)),n.toolResult&&t("div",{class:"tool-call",children:[t("div",{class:"tool-call-head",children:["↩ result",n.toolResult.id&&t("span",{class:"muted",children:[" · ",n.toolResult.id]})]}),t(Z,{value:n.toolResult.content})]})]},r))})}const re=e=>typeof e=="object"&&e!==null&&!Array.isArray(e);function fe(e){if(typeof e!="string")return e;const n=e.trim();if(!(n.startsWith("{")||n.startsWith("[")))return e;try{return JSON.parse(n)}catch{return e}}function qe(e){return typeof e=="string"?e:e==null?"":JSON.stringify(e,null,2)}function Ot(e,n){if(typeof n=="string"){e.text.push(n);return}if(!re(n))return;const r=String(n.type??"text");r==="text"||r==="input_text"||r==="output_text"||r==="reasoning"?e.text.push(qe(n.text??n.content)):r==="tool_call"||r==="tool_use"||r==="function_call"?e.toolCalls.push({id:n.id??n.call_id,name:String(n.name??"tool"),arguments:fe(n.arguments??n.input)}):r==="tool_call_response"||r==="tool_result"||r==="function_call_output"?e.toolResult={id:n.id??n.tool_use_id??n.call_id,content:fe(n.response??n.content??n.output)}:e.text.push(qe(n))}function ve(e,n){const r={role:String(e.role??n),text:[],toolCalls:[]},s=e.parts??e.content;if(Array.isArray(s)?s.forEach(o=>Ot(r,o)):s!=null&&r.text.push(qe(s)),Array.isArray(e.tool_calls))for(const o of e.tool_calls){if(!re(o))continue;const a=re(o.function)?o.function:o;r.toolCalls.push({id:o.id,name:String(a.name??"tool"),arguments:fe(a.arguments)})}return e.tool_call_id!==void 0&&!r.toolResult&&(r.toolResult={id:String(e.tool_call_id),content:fe(r.text.join(`
`))},r.text=[]),r}function dn(e){return re(e)&&typeof e.role=="string"}function Ee(e,n){const r=fe(e);if(r==null)return null;if(typeof r=="string")return[{role:n,text:[r],toolCalls:[]}];if(Array.isArray(r))return r.length>0&&r.every(dn)?r.map(s=>ve(s,n)):r.every(s=>typeof s=="string")?[{role:n,text:r,toolCalls:[]}]:null;if(!re(r))return null;if(dn(r))return[ve(r,n)];if(Array.isArray(r.messages))return Ee(r.messages,n);if(Array.isArray(r.choices)){const s=r.choices.map(o=>re(o)&&re(o.message)?ve(o.message,"assistant"):null).filter(o=>o!==null);return s.length?s:null}return typeof r.content=="string"||Array.isArray(r.content)?[ve(r,n)]:null}function $({label:e,children:n}){return n==null||n===""?null:t("div",{class:"field",children:[t("span",{class:"field-label",children:e}),t("span",{class:"field-value",children:n})]})}function B({title:e,children:n,id:r}){return t("section",{class:"panel-section",id:r,children:[t("h3",{children:e}),n]})}function un({title:e,value:n,role:r}){const[s,o]=M(!1);if(n==null)return null;const a=Ee(n,r);return t(B,{title:e,children:[a&&t("button",{class:"ghost small raw-toggle",onClick:()=>o(!s),children:s?"Conversation":"Raw JSON"}),a&&!s?t(Nn,{messages:a}):t(Z,{value:n})]})}function Rt({span:e}){const n=e.attributes??{},r=e.usage??{};return t(B,{title:"Generation",id:"llm-section",children:[t("div",{class:"fields",children:[t($,{label:"Model",children:e.model}),t($,{label:"Provider",children:e.provider}),t($,{label:"Operation",children:n.operation}),t($,{label:"Response model",children:n.response_model}),t($,{label:"Time to first token",children:n.time_to_first_token_ms!==void 0?W(n.time_to_first_token_ms):null}),t($,{label:"Streaming",children:n.streaming!==void 0?String(n.streaming):null}),t($,{label:"Finish reasons",children:n.finish_reasons?.length?n.finish_reasons.join(", "):null}),t($,{label:"Cost",children:e.cost!==null?G(e.cost):null})]}),t("div",{class:"token-grid",id:"token-usage",children:[["Input",r.inputTokens],["Output",r.outputTokens],["Total",r.totalTokens],["Cache read",r.cacheReadTokens],["Cache write",r.cacheWriteTokens],["Reasoning",r.reasoningTokens]].map(([s,o])=>t("div",{class:"token-cell","data-token":s,children:[t("span",{class:"token-value",children:N(o)}),t("span",{class:"token-label",children:s})]}))}),n.parameters&&Object.keys(n.parameters).length>0&&t("div",{class:"params",children:Object.entries(n.parameters).map(([s,o])=>t("span",{class:"chip",children:[s," = ",JSON.stringify(o)]}))})]})}function At({span:e}){const n=e.attributes??{};return t(B,{title:e.type==="MCP_TOOL_CALL"?"MCP tool call":"Tool call",children:[t("div",{class:"fields",children:[t($,{label:"Tool",children:n.tool_name}),t($,{label:"Call id",children:n.call_id}),t($,{label:"Tool type",children:n.tool_type}),t($,{label:"Server",children:n.server_name&&`${n.server_name}${n.server_version?` ${n.server_version}`:""}`}),t($,{label:"Transport",children:n.transport}),t($,{label:"Succeeded",children:n.success!==void 0?String(n.success):null})]}),e.input!==null&&t(K,{children:[t("h4",{children:"Arguments"}),t(Z,{value:hn(e.input)})]}),e.output!==null&&t(K,{children:[t("h4",{children:"Result"}),t(Z,{value:hn(e.output)})]})]})}function hn(e){if(typeof e!="string")return e;try{return JSON.parse(e)}catch{return e}}function Nt({span:e}){const n=e.attributes??{},r=[...n.chunks??n.results??[]].sort((s,o)=>(o.score??-1/0)-(s.score??-1/0));return t(B,{title:e.type==="RAG_QUERY"?"Retrieval":"Memory",children:[t("div",{class:"fields",children:[t($,{label:"Query",children:n.query}),t($,{label:"Store",children:n.vector_store??n.memory_store}),t($,{label:"Index",children:n.index}),t($,{label:"Top k",children:n.top_k}),t($,{label:"Embedding model",children:n.embedding_model}),t($,{label:"Thread",children:n.thread_id})]}),t("h4",{children:[r.length," retrieved"]}),t("ol",{class:"chunks",children:r.map(s=>t("li",{children:[t("span",{class:"chunk-score",children:s.score!==void 0&&s.score!==null?s.score.toFixed(3):"—"}),t("span",{class:"chunk-body",children:[s.document_id&&t("span",{class:"muted",children:[s.document_id," · "]}),s.id&&t("span",{class:"muted",children:[s.id," "]}),t("div",{children:s.content??t("span",{class:"muted",children:"(content not captured)"})})]})]}))})]})}function Dt({span:e}){const n=e.attributes??{},r=n.evaluated_trace_id?`/traces/${n.evaluated_trace_id}${n.evaluated_span_id?`?span=${n.evaluated_span_id}`:""}`:null;return t(B,{title:"Eval",children:t("div",{class:"fields",children:[t($,{label:"Evaluator",children:n.evaluator}),t($,{label:"Metric",children:n.metric}),t($,{label:"Score",children:n.score!==void 0?t("b",{children:n.score}):null}),t($,{label:"Label",children:n.label}),t($,{label:"Threshold",children:n.threshold}),t($,{label:"Passed",children:n.passed!==void 0?n.passed?"✓ passed":"✗ failed":null}),t($,{label:"Reason",children:n.reason}),t($,{label:"Evaluated",children:r&&t("a",{href:r,onClick:D(r),id:"evaluated-link",children:n.evaluated_span_id?`span ${n.evaluated_span_id}`:`trace ${n.evaluated_trace_id}`})})]})})}function Pt({traceId:e,spanId:n,onDone:r}){const[s,o]=M(""),[a,i]=M("value"),[l,u]=M(""),[c,p]=M(""),[h,d]=M(null);return t("form",{class:"score-form",onSubmit:async g=>{g.preventDefault();const T={traceId:e,spanId:n,name:s.trim(),source:"HUMAN",evaluator:"explorer"};a==="value"&&(T.value=Number(l)),a==="label"&&(T.label=l),a==="passed"&&(T.passed=l==="true"),c.trim()&&(T.comment=c.trim());try{await Oe(j.createScore,{input:T}),o(""),u(""),p(""),d(null),r()}catch(m){d(m.message)}},children:[t("input",{name:"score-name",placeholder:"name (e.g. helpfulness)",value:s,required:!0,onInput:g=>o(g.target.value)}),t("select",{name:"score-kind",value:a,onChange:g=>i(g.target.value),children:[t("option",{value:"value",children:"number"}),t("option",{value:"label",children:"label"}),t("option",{value:"passed",children:"pass/fail"})]}),a==="passed"?t("select",{name:"score-value",value:l,onChange:g=>u(g.target.value),required:!0,children:[t("option",{value:"",children:"—"}),t("option",{value:"true",children:"passed"}),t("option",{value:"false",children:"failed"})]}):t("input",{name:"score-value",placeholder:a==="value"?"0.8":"good",type:a==="value"?"number":"text",step:"any",value:l,required:!0,onInput:g=>u(g.target.value)}),t("input",{name:"score-comment",placeholder:"comment (optional)",value:c,onInput:g=>p(g.target.value)}),t("button",{type:"submit",class:"primary small",children:"Add score"}),h&&t("div",{class:"alert",children:h})]})}function Ut(e){const{data:n,error:r,loading:s,reload:o}=ne(j.span,{traceId:e.traceId,spanId:e.spanId}),a=n?.span?.spanId===e.spanId?n.span:null,i=()=>{if(!a)return t("div",{class:"empty",children:r??(s?"Loading span…":"No such span.")});const l=a.type,u=a.erroredDescendants.find(c=>c.isError);return t(K,{children:[t("div",{class:"panel-title",children:[t("span",{class:"type-badge",style:{background:_e[l]},children:ie[l]??l}),t("h2",{children:a.name})]}),t("div",{class:"fields",children:[t($,{label:"Status",children:[t("span",{class:`status status-${a.status}`,children:a.status}),a.subtreeStatus==="ERROR"&&!a.isError&&t("span",{class:"status status-ERROR",children:" failure below"})]}),t($,{label:"Start",children:V(a.startTime)}),t($,{label:"Duration",children:W(a.durationMs)}),t($,{label:"Service",children:a.serviceName}),t($,{label:"Span id",children:t("span",{class:"mono",children:a.spanId})}),t($,{label:"Subtree",children:[a.subtree.spanCount," spans · ",N(a.subtree.totalTokens)," tokens · ",G(a.subtree.cost)]}),a.endedByDrop&&t($,{label:"Ended",children:"by drop (no explicit end)"})]}),a.error&&t(B,{title:"Error",id:"error-section",children:t("div",{class:"error-box",children:[t("div",{children:[t("b",{children:a.error.kind}),": ",a.error.message]}),a.error.sourceChain.map((c,p)=>t("div",{class:"source",style:{paddingLeft:`${(p+1)*12}px`},children:["↳ caused by: ",c]})),t("div",{class:"muted",children:[a.error.retryable?"retryable":"not retryable",a.error.category&&` · ${a.error.category}`]})]})}),!a.isError&&a.erroredDescendants.length>0&&t(B,{title:"Failed below",children:[a.erroredDescendants.map(c=>t("button",{class:"link-button",onClick:()=>e.onSelect(c.spanId),children:["✗ ",c.name," ",t("span",{class:"muted",children:["(",ie[c.type],")"]})]})),u&&t("div",{class:"muted",children:["The error came from ",u.name,"."]})]}),l==="LLM_GENERATION"||l==="EMBEDDING_GENERATION"?t(Rt,{span:a}):null,l==="TOOL_CALL"||l==="MCP_TOOL_CALL"?t(At,{span:a}):null,l==="RAG_QUERY"||l==="MEMORY_LOOKUP"?t(Nt,{span:a}):null,l==="EVAL_EXECUTION"?t(Dt,{span:a}):null,l!=="TOOL_CALL"&&l!=="MCP_TOOL_CALL"&&t(K,{children:[t(un,{title:"Input",value:a.input,role:"user"}),t(un,{title:"Output",value:a.output,role:"assistant"})]}),t(B,{title:`Scores (${a.scores.length})`,id:"scores-section",children:[a.scores.map(c=>t("div",{class:"score-row","data-score-id":c.id,children:[t("span",{class:`chip score ${c.passed===!1?"bad":""}`,children:Ve(c)}),t("span",{class:"muted",children:[c.source.toLowerCase(),c.evaluator&&` · ${c.evaluator}`,c.comment&&` · ${c.comment}`]}),t("button",{class:"ghost small",title:"Remove this score",onClick:async()=>{await Oe(j.deleteScore,{id:c.id}),o()},children:"Remove"})]})),t(Pt,{traceId:a.traceId,spanId:a.spanId,onDone:o})]}),a.events.length>0&&t(B,{title:`Events (${a.events.length})`,children:a.events.map(c=>t("div",{class:"event",children:[t("div",{children:[t("b",{children:c.name})," ",t("span",{class:"muted",children:V(c.time)})]}),c.attributes&&Object.keys(c.attributes).length>0&&t(Z,{value:c.attributes})]}))}),t(B,{title:"Attributes",children:t(Z,{value:a.attributes,label:"attributes",searchable:!0})}),t(B,{title:"Metadata",children:t(Z,{value:a.metadata,label:"metadata",searchable:!0})})]})};return t("aside",{class:"span-panel card",id:"span-panel",children:[t("button",{class:"close ghost",onClick:e.onClose,title:"Close (Esc)",children:"✕"}),i()]})}const z=28,pn=12;function Ft(e){if(e<=0)return[0];const n=e/5,r=10**Math.floor(Math.log10(n)),s=[1,2,5,10].map(a=>a*r).find(a=>a>=n)??n,o=[];for(let a=0;a<=e+1e-9;a+=s)o.push(a);return o}function jt(e){const{node:n,origin:r,total:s}=e,o=n.span,a=s>0?(n.start-r)/s*100:0,i=s>0?Math.max((o.durationMs??0)/s*100,.2):100,l=o.subtreeStatus==="ERROR"&&!o.isError,u=l?Mt(n):null,c=n.children.length>0;return t("div",{class:`span-row ${e.selected?"selected":""} ${o.isError?"errored":""}`,style:{top:`${e.top}px`,height:`${z}px`},"data-span-id":o.spanId,"data-type":o.type,"data-depth":n.depth,"data-subtree-status":o.subtreeStatus,onClick:()=>e.onSelect(o.spanId),children:[t("div",{class:"tree-cell",style:{paddingLeft:`${8+n.depth*16}px`},children:[t("button",{class:`caret ${c?"":"leaf"}`,"aria-label":e.collapsed?"Expand":"Collapse",onClick:p=>{p.stopPropagation(),c&&e.onToggle()},children:c?e.collapsed?"▸":"▾":"·"}),t("span",{class:"type-badge",style:{background:_e[o.type]},children:ie[o.type]??o.type}),t("span",{class:"span-name",title:o.name,children:o.name}),o.isError&&t("span",{class:"err-mark",title:"This span failed",children:"✗"}),l&&t("button",{class:"below-error",title:u?`Failed below: ${u.span.name} — go there`:"A descendant failed",onClick:p=>{p.stopPropagation(),u&&e.onSelect(u.span.spanId)},children:["⚠ ",o.subtree.erroredDescendants," below"]}),t("span",{class:"subtree-totals",children:[o.subtree.totalTokens>0&&t("span",{title:"Tokens in this subtree",children:[N(o.subtree.totalTokens)," tok"]}),o.subtree.cost>0&&t("span",{title:"Cost of this subtree",children:G(o.subtree.cost)}),e.collapsed&&t("span",{title:"Spans in this subtree",children:[o.subtree.spanCount," spans"]})]})]}),t("div",{class:"bar-cell",children:[t("div",{class:"bar",style:{left:`${a}%`,width:`${i}%`,background:_e[o.type]}}),t("span",{class:"bar-label",style:{left:`calc(${a+i}% + 4px)`},children:W(o.durationMs)})]})]})}function Ht({id:e}){const{params:n}=me(),r=n.get("span"),s=he(performance.now()),{data:o,error:a,loading:i}=ne(j.trace,{id:e}),l=o?.trace??null,u=pe(()=>l?Et(l.spans):null,[l]),[c,p]=M(new Set),h=pe(()=>u?xt(u.roots,c):[],[u,c]),d=he(null),[f,g]=M(0),[T,m]=M(800);ee(()=>{l&&window.__explorer?.traceLoadedMs===void 0&&(window.__explorer={traceLoadedMs:performance.now(),spans:l.spans.length},requestAnimationFrame(()=>{window.__explorer.waterfallPaintMs=performance.now(),window.__explorer.sinceMountMs=performance.now()-s.current}))},[l]),Yn(()=>{const v=d.current;if(!v)return;const S=new ResizeObserver(()=>m(v.clientHeight));return S.observe(v),()=>S.disconnect()},[l!==null]);const b=v=>{const S=new URLSearchParams(n);v?S.set("span",v):S.delete("span");const R=S.toString();L(`/traces/${encodeURIComponent(e)}${R?`?${R}`:""}`,!!r&&!!v)};if(ee(()=>{if(!u||!r)return;const v=u.byId.get(r);if(!v)return;let S=v.parent,R=!1;const A=new Set(c);for(;S;)A.delete(S.span.spanId)&&(R=!0),S=S.parent;if(R){p(A);return}const _=h.findIndex(I=>I.node===v),k=d.current;if(_>=0&&k){const I=_*z;(I<k.scrollTop||I+z>k.scrollTop+k.clientHeight-z)&&(k.scrollTop=Math.max(0,I-k.clientHeight/3))}},[u,r,h]),On({j:()=>{const v=h.findIndex(R=>R.node.span.spanId===r),S=h[Math.min(v+1,h.length-1)];S&&b(S.node.span.spanId)},k:()=>{const v=h.findIndex(R=>R.node.span.spanId===r),S=h[Math.max(v-1,0)];S&&b(S.node.span.spanId)},Escape:()=>r&&b(null)}),a&&!l)return t("div",{class:"alert",children:a});if(i&&!l)return t("div",{class:"empty",children:"Loading trace…"});if(!l||!u)return t("div",{class:"empty",children:["No trace ",e," in this project."]});const y=Math.max(u.end-u.start,.001),O=Math.max(0,Math.floor(f/z)-pn),H=Math.min(h.length,Math.ceil((f+T)/z)+pn),U=v=>{const S=new Set(c);S.delete(v)||S.add(v),p(S)},J=l.scores.filter(v=>!v.spanId);return t("div",{class:`trace-page ${r?"with-panel":""}`,children:[t("div",{class:"trace-main",children:[t("div",{class:"trace-head card",children:[t("div",{class:"crumbs",children:[t("a",{href:"/",onClick:D("/"),children:"Traces"})," ","/ ",t("span",{class:"mono",children:l.id})]}),t("h1",{children:[l.hasError&&t("span",{class:"err-mark",children:"●"})," ",l.name??l.id]}),t("div",{class:"facts",children:[t("span",{children:t("b",{children:V(l.startTime)})}),t("span",{children:[t("b",{children:W(l.durationMs)})," duration"]}),t("span",{children:[t("b",{children:l.spanCount})," spans"]}),t("span",{children:[t("b",{children:N(l.inputTokens)})," in / ",t("b",{children:N(l.outputTokens)})," out tokens"]}),t("span",{children:t("b",{children:G(l.totalCost)})}),l.userId&&t("span",{children:["user ",l.userId]}),l.sessionId&&t("a",{href:`/sessions/${encodeURIComponent(l.sessionId)}`,onClick:D(`/sessions/${encodeURIComponent(l.sessionId)}`),children:["session ",l.sessionId]}),l.environment&&t("span",{class:"chip",children:["env: ",l.environment]}),l.release&&t("span",{class:"chip",children:["release: ",l.release]}),l.tags.map(v=>t("span",{class:"chip",children:v})),J.map(v=>t("span",{class:`chip score ${v.passed===!1?"bad":""}`,children:Ve(v)}))]}),t("div",{class:"tree-actions",children:[t("button",{class:"ghost",onClick:()=>p(new Set),children:"Expand all"}),t("button",{class:"ghost",onClick:()=>p(new Set([...u.byId.values()].filter(v=>v.depth>=1&&v.children.length).map(v=>v.span.spanId))),children:"Collapse to top level"}),t("span",{class:"legend",children:Object.entries(ie).map(([v,S])=>l.spans.some(R=>R.type===v)?t("span",{children:[t("i",{style:{background:_e[v]}})," ",S]}):null)})]})]}),t("div",{class:"waterfall card",children:[t("div",{class:"waterfall-head",children:[t("div",{class:"tree-cell",children:"Span"}),t("div",{class:"bar-cell axis",children:Ft(y).map(v=>t("span",{class:"tick",style:{left:`${v/y*100}%`},children:W(v)}))})]}),t("div",{class:"waterfall-body",ref:d,onScroll:v=>g(v.target.scrollTop),children:t("div",{class:"waterfall-canvas",style:{height:`${h.length*z}px`},children:h.slice(O,H).map((v,S)=>t(jt,{node:v.node,top:(O+S)*z,origin:u.start,total:y,selected:v.node.span.spanId===r,collapsed:c.has(v.node.span.spanId),onToggle:()=>U(v.node.span.spanId),onSelect:b},v.node.span.spanId))})})]})]}),r&&t(Ut,{traceId:l.id,spanId:r,onClose:()=>b(null),onSelect:b})]})}function qt(){const{params:e}=me(),n=e.get("after"),{data:r,error:s,loading:o}=ne(j.sessions,{first:50,after:n}),a=r?.sessions.nodes??[];return t("div",{class:"page",children:[t("div",{class:"page-head",children:t("h1",{children:"Sessions"})}),s&&t("div",{class:"alert",children:s}),t("div",{class:"card table-wrap",children:[t("table",{class:"traces",children:[t("thead",{children:t("tr",{children:[t("th",{}),t("th",{children:"Session"}),t("th",{class:"num",children:"Traces"}),t("th",{children:"First"}),t("th",{children:"Last"}),t("th",{class:"num",children:"Tokens"}),t("th",{class:"num",children:"Cost"})]})}),t("tbody",{children:a.map(i=>t("tr",{"data-session-id":i.id,onClick:()=>L(`/sessions/${encodeURIComponent(i.id)}`),children:[t("td",{class:"status-cell",children:i.hasError?t("span",{class:"err-mark",children:"●"}):t("span",{class:"ok-mark",children:"●"})}),t("td",{class:"name",children:t("a",{href:`/sessions/${encodeURIComponent(i.id)}`,onClick:D(`/sessions/${encodeURIComponent(i.id)}`),children:i.id})}),t("td",{class:"num",children:i.traceCount}),t("td",{class:"mono",children:V(i.firstTime)}),t("td",{class:"mono",children:[V(i.lastTime)," ",t("span",{class:"muted",children:["(",vt(i.lastTime),")"]})]}),t("td",{class:"num",children:N(i.totalTokens)}),t("td",{class:"num",children:G(i.totalCost)})]},i.id))})]}),!o&&a.length===0&&t("div",{class:"empty",children:"No sessions yet: traces carry a session id when the SDK sets one."})]}),t("div",{class:"pager",children:[t("button",{disabled:!n,onClick:()=>L("/sessions"),children:"← First page"}),t("span",{}),t("button",{disabled:!r?.sessions.pageInfo.hasNextPage,onClick:()=>L(`/sessions?after=${encodeURIComponent(r.sessions.pageInfo.endCursor)}`),children:"Next page →"})]})]})}function Bt({id:e}){const{data:n,error:r,loading:s}=ne(j.session,{id:e,first:100}),o=n?.session;return r&&!o?t("div",{class:"alert",children:r}):s&&!o?t("div",{class:"empty",children:"Loading session…"}):o?t("div",{class:"page narrow",children:[t("div",{class:"crumbs",children:[t("a",{href:"/sessions",onClick:D("/sessions"),children:"Sessions"})," ","/ ",o.id]}),t("h1",{children:["Session ",o.id]}),t("div",{class:"facts",children:[t("span",{children:[t("b",{children:o.traceCount})," traces"]}),t("span",{children:[V(o.firstTime)," → ",V(o.lastTime)]}),t("span",{children:[t("b",{children:N(o.totalTokens)})," tokens"]}),t("span",{children:t("b",{children:G(o.totalCost)})})]}),o.traces.nodes.map(a=>{const i=a.rootSpans[0],l=[...Ee(i?.input,"user")??[],...Ee(i?.output,"assistant")??[]];return t("div",{class:"card session-turn","data-trace-id":a.id,children:[t("div",{class:"turn-head",children:[t("a",{href:`/traces/${a.id}`,onClick:D(`/traces/${a.id}`),children:[a.hasError&&t("span",{class:"err-mark",children:"● "}),a.name??a.id]}),t("span",{class:"muted",children:[V(a.startTime)," · ",W(a.durationMs)," · ",N(a.totalTokens)," tokens · ",G(a.totalCost),a.userId&&` · ${a.userId}`]})]}),l.length?t(Nn,{messages:l}):t("div",{class:"muted",children:"No input or output recorded on the root span."}),i?.error&&t("div",{class:"alert",children:i.error.message})]})})]}):t("div",{class:"empty",children:["No session ",e," in this project."]})}const ae=560,oe=170,E={l:44,r:8,t:10,b:22};function Dn(e){if(e<=0)return 1;const n=10**Math.floor(Math.log10(e));return[1,2,2.5,5,10].map(r=>r*n).find(r=>r>=e)??e}function $e({labels:e,series:n,hrefs:r,format:s}){const o=e.map((h,d)=>n.reduce((f,g)=>f+(g.values[d]??0),0)),a=Dn(Math.max(0,...o)),i=ae-E.l-E.r,l=oe-E.t-E.b,u=e.length?i/e.length:i,c=h=>E.t+l-h/a*l,p=Math.max(1,Math.ceil(e.length/8));return t("svg",{viewBox:`0 0 ${ae} ${oe}`,class:"chart",children:[[0,.5,1].map(h=>t("g",{children:[t("line",{x1:E.l,x2:ae-E.r,y1:c(a*h),y2:c(a*h),class:"grid"}),t("text",{x:E.l-4,y:c(a*h)+3,class:"axis-label","text-anchor":"end",children:s(a*h)})]})),e.map((h,d)=>{let f=0;const g=n.map(b=>{const y=b.values[d]??0,O=t("rect",{x:E.l+d*u+1,width:Math.max(u-2,1),y:c(f+y),height:Math.max(c(f)-c(f+y),0),fill:b.color});return f+=y,O}),T=`${h}: ${n.map(b=>`${b.name} ${s(b.values[d]??0)}`).join(", ")}`,m=t("g",{class:"bar-group",children:[t("title",{children:T}),t("rect",{x:E.l+d*u,width:u,y:E.t,height:l,class:"hover-target"}),g,d%p===0&&t("text",{x:E.l+d*u+u/2,y:oe-6,class:"axis-label","text-anchor":"middle",children:h})]});return r?.[d]?t("a",{href:r[d],onClick:D(r[d]),children:m}):m})]})}function _n({labels:e,series:n,format:r,max:s}){const o=n.flatMap(h=>h.values.filter(d=>d!==null)),a=s??Dn(Math.max(0,...o)),i=ae-E.l-E.r,l=oe-E.t-E.b,u=h=>E.l+(e.length>1?h/(e.length-1)*i:i/2),c=h=>E.t+l-h/a*l,p=Math.max(1,Math.ceil(e.length/8));return t("svg",{viewBox:`0 0 ${ae} ${oe}`,class:"chart",children:[[0,.5,1].map(h=>t("g",{children:[t("line",{x1:E.l,x2:ae-E.r,y1:c(a*h),y2:c(a*h),class:"grid"}),t("text",{x:E.l-4,y:c(a*h)+3,class:"axis-label","text-anchor":"end",children:r(a*h)})]})),e.map((h,d)=>d%p===0?t("text",{x:u(d),y:oe-6,class:"axis-label","text-anchor":"middle",children:h}):null),n.map(h=>{const d=h.values.map((g,T)=>g===null?null:`${u(T)},${c(g)}`),f=[[]];return d.forEach(g=>g===null?f.push([]):f[f.length-1].push(g)),t("g",{children:[t("title",{children:h.name}),f.filter(g=>g.length).map(g=>t("polyline",{points:g.join(" "),fill:"none",stroke:h.color,"stroke-width":"2"})),h.values.map((g,T)=>g===null?null:t("circle",{cx:u(T),cy:c(g),r:"2.5",fill:h.color,children:t("title",{children:`${h.name} ${e[T]}: ${r(g)}`})}))]})})]})}function Pn({rows:e,format:n}){const r=Math.max(0,...e.map(s=>s.value))||1;return t("div",{class:"hbars",children:e.map(s=>{const o=t(K,{children:[t("span",{class:"hbar-label",title:s.label,children:s.label}),t("span",{class:"hbar-track",children:t("span",{class:"hbar",style:{width:`${s.value/r*100}%`,background:s.color??"#6d5dfc"}})}),t("span",{class:"hbar-value",children:[n(s.value),s.extra&&t("span",{class:"muted",children:[" ",s.extra]})]})]});return s.href?t("a",{class:"hbar-row",href:s.href,onClick:D(s.href),children:o}):t("div",{class:"hbar-row",children:o})})})}const Q=["#6d5dfc","#22a06b","#e8a317","#db2777","#0ea5b7","#3b82f6","#c026d3","#8a94a6"],Ne=[["1h","Last hour",3600,120],["24h","Last 24 hours",86400,3600],["7d","Last 7 days",7*86400,6*3600],["30d","Last 30 days",30*86400,86400]];function Gt(e,n){const r=[],s=Math.floor(e/1e3/n)*n*1e3;for(let o=s;o<=Date.now();o+=n*1e3)r.push(o);return r}function Kt(e,n){const r=new Date(e),s=o=>String(o).padStart(2,"0");return n>=86400?`${r.getMonth()+1}/${r.getDate()}`:n>=3600*6?`${r.getMonth()+1}/${r.getDate()} ${s(r.getHours())}h`:`${s(r.getHours())}:${s(r.getMinutes())}`}function te(e,n){return e.quantiles.find(r=>Math.abs(r.q-n)<1e-9)?.ms??0}function fn({rows:e,by:n}){const r=Math.max(1,...e.map(s=>te(s,.99)));return t("table",{class:"latency",children:[t("thead",{children:t("tr",{children:[t("th",{children:n==="type"?"Span type":"Model"}),t("th",{class:"num",children:"Spans"}),t("th",{class:"num",children:"p50"}),t("th",{class:"num",children:"p95"}),t("th",{class:"num",children:"p99"}),t("th",{})]})}),t("tbody",{children:e.map(s=>{const o=n==="type"?gt(s.group.spanType):s.group.model??"(none)",a=n==="type"?`/?type=${o}`:s.group.model?`/?model=${encodeURIComponent(s.group.model)}`:"/";return t("tr",{onClick:()=>L(a),class:"clickable",children:[t("td",{children:n==="type"?t(K,{children:[t("i",{class:"swatch",style:{background:_e[o]}})," ",ie[o]??o]}):o}),t("td",{class:"num",children:N(s.count)}),t("td",{class:"num",children:W(te(s,.5))}),t("td",{class:"num",children:W(te(s,.95))}),t("td",{class:"num",children:W(te(s,.99))}),t("td",{class:"qbar",children:t("span",{style:{left:`${te(s,.5)/r*100}%`,width:`${(te(s,.99)-te(s,.5))/r*100}%`}})})]})})})]})}function Wt({name:e,time:n}){const{data:r}=ne(j.scoreDistribution,{time:n,name:e}),s=r?.evals.distribution;if(!s)return null;if(s.histogram.length)return t($e,{labels:s.histogram.map(a=>a.lower.toFixed(2)),series:[{name:e,color:"#db2777",values:s.histogram.map(a=>a.count)}],format:a=>String(Math.round(a))});const o=[...s.labels.map(a=>({label:a.label,value:a.count})),...s.passed+s.failed?[{label:"passed",value:s.passed,color:"#22a06b"},{label:"failed",value:s.failed,color:"#dc2626"}]:[]];return t(Pn,{rows:o,format:a=>String(a)})}function Jt(){const{params:e}=me(),n=Ne.find(([_])=>_===e.get("range"))??Ne[1],[,,r,s]=n,o=Math.floor((Date.now()-r*1e3)/6e4)*6e4,a={from:new Date(o).toISOString()},{data:i,error:l,loading:u}=ne(j.dashboard,{time:a,bucketSeconds:s}),c=Gt(o,s),p=c.map(_=>Kt(_,s)),h=_=>{const k=new Map;for(const I of _){const P=Math.floor(new Date(I.bucket).getTime()/1e3/s)*s*1e3;k.set(P,[...k.get(P)??[],I])}return I=>k.get(I)??[]},d=h(i?.series.traceCounts??[]),f=c.map(_=>d(_).reduce((k,I)=>k+I.traces,0)),g=c.map(_=>d(_).reduce((k,I)=>k+I.errors,0)),T=c.map(_=>`/?from=${He(_)}&to=${He(_+s*1e3)}`),m=h(i?.series.usage??[]),b=[...new Set((i?.series.usage??[]).map(_=>_.group.model??"(none)"))],y=b.map((_,k)=>({name:_,color:Q[k%Q.length],values:c.map(I=>m(I).filter(P=>(P.group.model??"(none)")===_).reduce((P,ce)=>P+ce.cost,0))})),O=b.map((_,k)=>({name:_,color:Q[k%Q.length],values:c.map(I=>m(I).filter(P=>(P.group.model??"(none)")===_).reduce((P,ce)=>P+ce.totalTokens,0))})),H=i?.evals.series??[],U=[...new Set(H.map(_=>`${_.name}\0${_.evaluator??""}`))],J=h(H),v=[...new Set(H.map(_=>_.name))],S=f.reduce((_,k)=>_+k,0),R=g.reduce((_,k)=>_+k,0),A=i?.totals.usage??[];return t("div",{class:"page",children:[t("div",{class:"page-head",children:[t("h1",{children:"Dashboard"}),t("div",{class:"spacer"}),t("div",{class:"segmented",children:Ne.map(([_,k])=>t("button",{class:_===n[0]?"active":"",onClick:()=>L(`/dashboard?range=${_}`),children:k}))})]}),l&&t("div",{class:"alert",children:l}),u&&!i&&t("div",{class:"empty",children:"Loading…"}),i&&t(K,{children:[t("div",{class:"stat-row",children:[t("div",{class:"card stat",children:[t("span",{class:"stat-value",children:N(S)}),t("span",{class:"muted",children:"traces"})]}),t("div",{class:"card stat",children:[t("span",{class:"stat-value",children:[S?(R/S*100).toFixed(1):"0","%"]}),t("span",{class:"muted",children:"error rate"})]}),t("div",{class:"card stat",children:[t("span",{class:"stat-value",children:N(A.reduce((_,k)=>_+k.totalTokens,0))}),t("span",{class:"muted",children:"tokens"})]}),t("div",{class:"card stat",children:[t("span",{class:"stat-value",children:G(A.reduce((_,k)=>_+k.cost,0))}),t("span",{class:"muted",children:"cost"})]})]}),t("div",{class:"grid",children:[t("div",{class:"card chart-card",children:[t("h3",{children:"Traces and errors"}),t($e,{labels:p,hrefs:T,series:[{name:"ok",color:"#6d5dfc",values:f.map((_,k)=>_-g[k])},{name:"errors",color:"#dc2626",values:g}],format:_=>String(Math.round(_))})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Error rate"}),t(_n,{labels:p,series:[{name:"error rate",color:"#dc2626",values:c.map((_,k)=>f[k]?g[k]/f[k]:null)}],format:_=>`${Math.round(_*100)}%`,max:1})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Latency by span type"}),t(fn,{rows:i.totals.byType,by:"type"})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Latency by model"}),t(fn,{rows:i.totals.byModel.filter(_=>_.group.model),by:"model"})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Cost by model and provider"}),t(Pn,{rows:A.filter(_=>_.cost>0||_.totalTokens>0).map((_,k)=>({label:`${_.group.model??"(none)"} · ${_.group.provider??"?"}`,value:_.cost,extra:`${N(_.totalTokens)} tok · ${_.calls} calls`,color:Q[k%Q.length],href:`/?${new URLSearchParams({..._.group.model?{model:_.group.model}:{},..._.group.provider?{provider:_.group.provider}:{}})}`})),format:G})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Cost over time"}),t($e,{labels:p,hrefs:T,series:y,format:G})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Tokens over time"}),t($e,{labels:p,hrefs:T,series:O,format:_=>N(Math.round(_))})]}),t("div",{class:"card chart-card",children:[t("h3",{children:"Eval scores over time"}),U.length?t(_n,{labels:p,series:U.map((_,k)=>{const[I,P]=_.split("\0");return{name:`${I} (${P||"—"})`,color:Q[k%Q.length],values:c.map(ce=>J(ce).find(Qe=>Qe.name===I&&(Qe.evaluator??"")===P)?.avg??null)}}),format:_=>_.toFixed(2)}):t("div",{class:"muted",children:"No scores in this range."})]}),v.map(_=>t("div",{class:"card chart-card",children:[t("h3",{children:["Distribution of ",_]}),t(Wt,{name:_,time:a})]}))]})]})]})}function Yt({view:e}){const n=(r,s,o)=>t("a",{href:r,class:o?"active":"",onClick:D(r),children:s});return t("header",{class:"topbar",children:[t("a",{class:"brand",href:"/",onClick:D("/"),children:[t("span",{class:"logo","aria-hidden":"true",children:[t("i",{style:"background:#6d5dfc;width:10px"}),t("i",{style:"background:#22a06b;width:14px;margin-left:4px"})]}),"AI telemetry"]}),t("nav",{children:[n("/","Traces",e==="traces"||e==="trace"),n("/sessions","Sessions",e==="sessions"||e==="session"),n("/dashboard","Dashboard",e==="dashboard")]}),t("div",{class:"spacer"}),Ye()&&t("button",{class:"ghost",title:"Remove the API key kept in this browser",onClick:()=>{Mn(null),location.reload()},children:"Forget key"})]})}function Vt(){const{path:e}=me(),n=tt(e),[r,s]=M(null),[o,a]=M(0);ee(()=>et(s),[]);let i;return r?i=t(rt,{error:r,onKey:l=>{Mn(l),s(null),a(u=>u+1)}}):n.view==="traces"?i=t(It,{}):n.view==="trace"?i=t(Ht,{id:n.id}):n.view==="sessions"?i=t(qt,{}):n.view==="session"?i=t(Bt,{id:n.id}):n.view==="dashboard"?i=t(Jt,{}):i=t("div",{class:"empty",children:["No page here. ",t("a",{href:"/",onClick:D("/"),children:"Go to the traces."})]}),t("div",{class:"app",children:[t(Yt,{view:n.view}),t("main",{children:i})]},o)}Kn(t(Vt,{}),document.getElementById("app"));
